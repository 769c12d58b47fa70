package dev.salvo.daemon.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReassemblerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void chatChunksBecomeOneCompletionWithMergedContentToolCallsAndUsage() throws Exception {
        List<String> chunks = List.of(
                "{\"id\":\"c1\",\"created\":7,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}",
                "{\"id\":\"c1\",\"created\":7,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}},"
                        + "{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":{\"name\":\"get_\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}",
                "{\"id\":\"c1\",\"created\":7,\"model\":\"m\",\"choices\":[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"time\",\"arguments\":\":1}\"}}]},\"finish_reason\":\"tool_calls\"},"
                        + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"c1\",\"created\":7,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}");

        JsonNode result = JSON.readTree(SseReassembler.reassemble("/v1/chat/completions", chunks));

        assertThat(result.get("object").asText()).isEqualTo("chat.completion");
        assertThat(result.get("id").asText()).isEqualTo("c1");
        assertThat(result.at("/choices/0/message/content").asText()).isEqualTo("Hello");
        assertThat(result.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(result.at("/choices/1/message/tool_calls/0/id").asText()).isEqualTo("call_1");
        assertThat(result.at("/choices/1/message/tool_calls/0/function/name").asText()).isEqualTo("get_time");
        assertThat(result.at("/choices/1/message/tool_calls/0/function/arguments").asText()).isEqualTo("{\"a\":1}");
        assertThat(result.at("/choices/1/message/content").isNull()).isTrue();
        assertThat(result.at("/usage/total_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void completionTextIsConcatenatedPerChoice() throws Exception {
        JsonNode result = JSON.readTree(SseReassembler.reassemble("/v1/completions", List.of(
                "{\"id\":\"t\",\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\"a\"}]}",
                "{\"id\":\"t\",\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\"b\",\"finish_reason\":\"length\"}]}")));
        assertThat(result.get("object").asText()).isEqualTo("text_completion");
        assertThat(result.at("/choices/0/text").asText()).isEqualTo("ab");
        assertThat(result.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void responsesTakeTheCompletedResponseObject() throws Exception {
        JsonNode result = JSON.readTree(SseReassembler.reassemble("/v1/responses", List.of(
                "{\"type\":\"response.created\",\"response\":{\"id\":\"r\",\"status\":\"in_progress\"}}",
                "{\"type\":\"response.output_text.delta\",\"delta\":\"hi\"}",
                "{\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"status\":\"completed\",\"output_text\":\"hi\"}}")));
        assertThat(result.get("status").asText()).isEqualTo("completed");
        assertThat(result.get("id").asText()).isEqualTo("r");
    }

    @Test
    void anErrorEventInsideAStreamIsReclassifiedByItsCode() {
        assertThat(SseReassembler.embeddedError(List.of("{\"id\":\"x\",\"choices\":[]}", "{\"error\":{\"code\":429,\"message\":\"slow down\"}}")))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(429));
        assertThat(SseReassembler.embeddedError(List.of("{\"error\":{\"code\":\"server_error\",\"message\":\"boom\"}}")))
                .hasValueSatisfying(r -> {
                    assertThat(r.status()).isEqualTo(500);
                    assertThat(r.body()).contains("boom");
                });
        assertThat(SseReassembler.embeddedError(List.of("{\"id\":\"x\"}"))).isEmpty();
    }

    @Test
    void unknownShapesAreJoinedByNewlines() {
        assertThat(SseReassembler.reassemble("/v1/embeddings", List.of("a", "b"))).isEqualTo("a\nb");
        assertThat(SseReassembler.reassemble("/v1/chat/completions", List.of("not json"))).isEqualTo("not json");
    }
}
