package dev.salvo.app.cli.batch;

import dev.salvo.app.config.AuthSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the server is and which key to use: options every {@code salvo batch} command takes. */
public final class ClientOptions {

    public static final String DEFAULT_URL = "http://127.0.0.1:8080";
    public static final String URL_ENV = "SALVO_URL";
    public static final String KEY_ENV = "SALVO_API_KEY";
    public static final String OPENAI_KEY_ENV = "OPENAI_API_KEY";

    @Option(names = "--url", paramLabel = "URL",
            description = "The Salvo server (default: $" + URL_ENV + ", else " + DEFAULT_URL + "). A trailing /v1 is accepted.")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key (default: $" + KEY_ENV + ", else $" + OPENAI_KEY_ENV + ", else the development key of a "
                    + "server in development mode). Prefer the environment: a key on the command line is visible in 'ps'.")
    String apiKey;

    /** Where to connect and with what; {@code developmentKey} when no key was given anywhere. */
    public record Resolved(URI base, String apiKey, boolean developmentKey) {
        @Override
        public String toString() {
            return "Resolved[base=" + base + ", apiKey=(hidden), developmentKey=" + developmentKey + "]";
        }
    }

    public ClientOptions() {
    }

    ClientOptions(String url, String apiKey) {
        this.url = url;
        this.apiKey = apiKey;
    }

    /** @throws CliException.Usage if the URL is not an http(s) URL */
    public Resolved resolve(Map<String, String> environment) {
        String rawUrl = firstSet(url, environment.get(URL_ENV), DEFAULT_URL);
        String key = firstSet(apiKey, environment.get(KEY_ENV), environment.get(OPENAI_KEY_ENV));
        boolean development = key == null;
        return new Resolved(baseUrl(rawUrl), development ? AuthSettings.DEV_KEY : key, development);
    }

    /**
     * The server's root: scheme, host, port and any path prefix (a reverse proxy's), without a trailing
     * {@code /} or {@code /v1}, so {@code http://h:8080}, {@code http://h:8080/} and {@code http://h:8080/v1} are alike.
     */
    static URI baseUrl(String raw) {
        String text = raw.strip();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new CliException.Usage("--url '" + text + "' is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new CliException.Usage("--url must be an http:// or https:// URL with a host, such as " + DEFAULT_URL
                    + ", not '" + text + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new CliException.Usage("--url must not carry a query, a fragment or credentials: '" + text + "'");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith("/v1")) {
            path = path.substring(0, path.length() - 3);
        }
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }
}
