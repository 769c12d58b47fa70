package dev.salvo.daemon.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.TemplateId;
import dev.salvo.core.daemon.DaemonId;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InFlightTest {

    private final InFlight inFlight = new InFlight();

    private static Execution execution(String model, String user) {
        RequestData data = new RequestData(RequestId.generate(), BatchId.generate(), TemplateId.generate(), 0, "c", "/v1/chat/completions",
                "POST", "/v1/chat/completions", "{}", model, "", user, Instant.now().plusSeconds(3600), null, Map.of());
        return new Execution(new BatchRequest(data, new RequestState.Claimed(DaemonId.generate(), Instant.now(), 0)));
    }

    @Test
    void aSlotIsFreedWhenTheCallEndsWhileTheExecutionStaysHeldUntilItsResultIsStored() {
        Execution a = execution("m", "alice");
        Execution b = execution("m", "bob");
        inFlight.add(a);
        inFlight.add(b);
        assertThat(inFlight.model("m")).isEqualTo(2);
        assertThat(inFlight.held("m")).isEqualTo(2);

        inFlight.endCall(a);
        assertThat(inFlight.model("m")).isEqualTo(1);
        assertThat(inFlight.users()).isEqualTo(Map.of("bob", 1));
        assertThat(inFlight.held("m")).isEqualTo(2);
        assertThat(inFlight.get(a.claimed().id())).isSameAs(a); // still abortable while its result is written
        assertThat(inFlight.size()).isEqualTo(2);

        inFlight.remove(a);
        assertThat(inFlight.model("m")).as("the slot is given back once only").isEqualTo(1);
        assertThat(inFlight.held("m")).isEqualTo(1);
        assertThat(inFlight.size()).isEqualTo(1);
    }

    @Test
    void anExecutionThatNeverCalledGivesItsSlotBackWhenRemoved() {
        Execution a = execution("m", "alice");
        inFlight.add(a);
        inFlight.endCall(a);
        inFlight.endCall(a);
        assertThat(inFlight.model("m")).isZero();

        Execution b = execution("m", "alice");
        inFlight.add(b);
        inFlight.remove(b);
        inFlight.remove(b);
        assertThat(inFlight.model("m")).isZero();
        assertThat(inFlight.held("m")).isEqualTo(1); // a is still held
        assertThat(inFlight.users()).isEmpty();
    }
}
