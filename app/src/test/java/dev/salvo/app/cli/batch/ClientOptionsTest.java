package dev.salvo.app.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {

    @Test
    void theKeyComesFromTheOptionThenSalvoThenOpenAiThenTheDevelopmentKey() {
        Map<String, String> both = Map.of("SALVO_API_KEY", "sk-salvo", "OPENAI_API_KEY", "sk-openai");
        assertThat(new ClientOptions(null, "sk-flag").resolve(both).apiKey()).isEqualTo("sk-flag");
        assertThat(new ClientOptions(null, null).resolve(both).apiKey()).isEqualTo("sk-salvo");
        assertThat(new ClientOptions(null, null).resolve(Map.of("OPENAI_API_KEY", "sk-openai", "SALVO_API_KEY", " ")).apiKey())
                .isEqualTo("sk-openai");
        ClientOptions.Resolved dev = new ClientOptions(null, null).resolve(Map.of());
        assertThat(dev.apiKey()).isEqualTo("sk-salvo-dev");
        assertThat(dev.developmentKey()).isTrue();
        assertThat(new ClientOptions(null, "sk-flag").resolve(Map.of()).developmentKey()).isFalse();
    }

    @Test
    void theKeyIsNotInTheResolvedSettingsText() {
        assertThat(new ClientOptions(null, "sk-very-secret").resolve(Map.of()).toString()).doesNotContain("sk-very-secret");
    }

    @Test
    void theUrlComesFromTheOptionThenTheEnvironmentThenTheDefault() {
        assertThat(new ClientOptions(null, null).resolve(Map.of()).base()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(new ClientOptions(null, null).resolve(Map.of("SALVO_URL", "https://salvo.example")).base())
                .isEqualTo(URI.create("https://salvo.example"));
        assertThat(new ClientOptions("http://h:9", null).resolve(Map.of("SALVO_URL", "https://salvo.example")).base())
                .isEqualTo(URI.create("http://h:9"));
    }

    @Test
    void aTrailingSlashOrV1IsAccepted() {
        assertThat(ClientOptions.baseUrl("http://h:8080/")).isEqualTo(URI.create("http://h:8080"));
        assertThat(ClientOptions.baseUrl("http://h:8080/v1")).isEqualTo(URI.create("http://h:8080"));
        assertThat(ClientOptions.baseUrl("HTTPS://h/proxy/v1/")).isEqualTo(URI.create("https://h/proxy"));
    }

    @Test
    void whatIsNotAnHttpUrlIsAUsageError() {
        for (String bad : new String[] {"ftp://h", "127.0.0.1:8080", "http://", "http://h/?q=1", "http://u:p@h", "http://h h"}) {
            assertThatThrownBy(() -> ClientOptions.baseUrl(bad)).as(bad).isInstanceOf(CliException.Usage.class);
        }
    }

    @Test
    void serverErrorsAreReadFromOpenAisEnvelope() {
        CliException.ApiError e = OpenAiClient.apiError(400, ("{\"error\":{\"message\":\"Line 3: bad\",\"type\":\"invalid_request_error\","
                + "\"param\":\"file\",\"code\":\"invalid_json_line\"}}").getBytes());
        assertThat(e.getMessage()).isEqualTo("Line 3: bad");
        assertThat(e.describe()).isEqualTo("Line 3: bad (HTTP 400, code: invalid_json_line, param: file)");
        assertThat(e.exitCode()).isEqualTo(ExitCodes.SERVER_REFUSED);
        CliException.ApiError nulls = OpenAiClient.apiError(404, "{\"error\":{\"message\":\"No such batch.\",\"param\":null,\"code\":null}}".getBytes());
        assertThat(nulls.describe()).isEqualTo("No such batch. (HTTP 404)");
        assertThat(OpenAiClient.apiError(502, "<html>Bad   Gateway</html>".getBytes()).describe())
                .isEqualTo("the server answered: <html>Bad Gateway</html> (HTTP 502)");
        assertThat(OpenAiClient.apiError(500, new byte[0]).getMessage()).isEqualTo("the server answered HTTP 500 with no details");
    }

    @Test
    void filenamesCannotBreakTheMultipartHeader() {
        assertThat(OpenAiClient.headerSafe("my \"batch\"\r\n.jsonl")).isEqualTo("my _batch___.jsonl");
        assertThat(OpenAiClient.headerSafe("données.jsonl")).isEqualTo("données.jsonl");
    }
}
