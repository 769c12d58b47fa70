package dev.salvo.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.http.auth.HashedApiKeys;
import dev.salvo.http.auth.Principal;
import dev.salvo.http.batch.BatchApiSettings;
import dev.salvo.http.support.RouteTable;
import dev.salvo.http.system.SystemRoutes;
import dev.salvo.storage.memory.batch.MemoryBatchStorage;
import dev.salvo.storage.memory.checkpoint.MemoryCheckpointStore;
import java.time.Clock;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code /openapi.json} documents every route a fully configured server answers, and nothing else. */
class OpenApiDocumentTest {

    @Test
    void documentsEveryRegisteredRouteAndNothingElse() throws Exception {
        MemoryBatchStorage batches = new MemoryBatchStorage(Clock.systemUTC());
        HashedApiKeys keys = new HashedApiKeys(List.of(HashedApiKeys.forKey("k", new Principal("p", false))));
        try (HttpApi api = HttpApi.builder(new HttpApiSettings("127.0.0.1", 0, 1024, 0), keys)
                .checkpoints(new MemoryCheckpointStore())
                .batches(batches, batches, BatchApiSettings.defaults(Set.of()))
                .build()) {
            JsonNode paths = new ObjectMapper().readTree(SystemRoutes.loadOpenApi()).get("paths");
            Set<RouteTable.Route> documented = new HashSet<>();
            for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
                String path = it.next();
                for (Iterator<String> methods = paths.get(path).fieldNames(); methods.hasNext(); ) {
                    String method = methods.next();
                    if (!method.equals("parameters")) {
                        documented.add(new RouteTable.Route(method, path));
                    }
                }
            }
            assertThat(api.routes()).extracting(RouteTable.Route::path).contains("/v1/files", "/v1/batches", "/v1/checkpoints");
            assertThat(documented).containsExactlyInAnyOrderElementsOf(api.routes());
        }
    }
}
