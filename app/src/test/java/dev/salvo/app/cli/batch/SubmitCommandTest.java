package dev.salvo.app.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmitCommandTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("f.jsonl"), content, StandardCharsets.UTF_8);
    }

    @Test
    void theEndpointDefaultsToTheFirstLinesUrl() throws IOException {
        assertThat(SubmitCommand.firstLineUrl(file("{\"custom_id\":\"a\",\"url\":\"/v1/embeddings\"}\n{\"url\":\"/v1/x\"}\n")))
                .hasValue("/v1/embeddings");
        assertThat(SubmitCommand.firstLineUrl(file("\n  \r\n{\"url\":\"/v1/responses\"}"))).as("blank lines skipped, no newline at the end")
                .hasValue("/v1/responses");
        assertThat(SubmitCommand.firstLineUrl(file("\uFEFF{\"url\":\"/v1/completions\"}\r\n"))).as("a byte order mark")
                .hasValue("/v1/completions");
    }

    @Test
    void aFirstLineWithoutAUrlGivesNoDefault() throws IOException {
        assertThat(SubmitCommand.firstLineUrl(file("not json\n{\"url\":\"/v1/embeddings\"}\n"))).isEmpty();
        assertThat(SubmitCommand.firstLineUrl(file("{\"url\": 3}\n"))).isEmpty();
        assertThat(SubmitCommand.firstLineUrl(file(""))).isEmpty();
    }
}
