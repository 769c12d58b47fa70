package dev.salvo.app.cli.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every {@code salvo batch} command shares: the connection options, stdout for results (what a
 * script reads) and stderr for everything else, and one way to end on a failure — {@code error: …} on
 * stderr and the exit code of {@link ExitCodes}.
 */
abstract class ClientCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions connection = new ClientOptions();

    /** The environment options fall back on (a seam for tests). */
    Map<String, String> environment = System.getenv();

    private ClientOptions.Resolved resolved;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (CliException e) {
            out().flush();
            err().println("error: " + e.describe());
            if (e instanceof CliException.ApiError api && api.status() == 401 && resolved != null && resolved.developmentKey()) {
                err().println("hint: no API key was given, and " + resolved.base() + " is not in development mode: pass --api-key "
                        + "or set " + ClientOptions.KEY_ENV + ".");
            }
            return e.exitCode();
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** @return the exit code */
    abstract int run();

    OpenAiClient client() {
        resolved = connection.resolve(environment);
        if (resolved.developmentKey()) {
            err().println("note: no API key given (--api-key, " + ClientOptions.KEY_ENV + " or " + ClientOptions.OPENAI_KEY_ENV
                    + "); using the development key, which only a server in development mode accepts.");
        }
        return new OpenAiClient(resolved.base(), resolved.apiKey());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    void printJson(JsonNode node) {
        try {
            out().println(JSON.writeValueAsString(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
