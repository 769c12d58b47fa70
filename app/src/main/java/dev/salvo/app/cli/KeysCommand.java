package dev.salvo.app.cli;

import dev.salvo.app.StoredKeys;
import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeyId;
import dev.salvo.core.auth.ApiKeyRules;
import dev.salvo.core.auth.ApiKeySecrets;
import dev.salvo.core.auth.ApiKeyStoreException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code salvo keys}: API keys kept by the storage backend, hashed. Works on the storage directly, never
 * through the HTTP API, and beside running servers: a key created here is accepted by them on the next
 * request, a revoked one refused. The secret of a new key is printed once and never stored or logged.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {
            "Create, list and revoke the API keys stored by the storage backend (filesystem or postgres).",
            "Running servers on the same storage accept new keys and refuse revoked ones at once; no restart."},
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Create a key for a principal (tenant) and print its secret, once.")
    static final class Create implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--name", required = true, paramLabel = "PRINCIPAL",
                description = "The principal the key authenticates as: 1-63 of a-z, 0-9, '_' and '-'.")
        String name;

        @Option(names = "--admin", description = "Give the key admin rights (see everything, list daemons).")
        boolean admin;

        @Mixin
        ConfigOptions config;

        @Override
        public Integer call() {
            if (!ApiKeyRules.isValidPrincipal(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--name must be 1-63 characters of a-z, 0-9, '_' and '-'");
            }
            String secret = ApiKeySecrets.generate();
            ApiKey key;
            String backend;
            try (StoredKeys keys = StoredKeys.open(config.resolve(System.getenv()))) {
                key = keys.store().create(ApiKeySecrets.newKey(secret, name, admin));
                backend = keys.backend();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Created API key " + key.id() + " for principal '" + key.principal() + "'"
                    + (key.admin() ? " with admin rights" : "") + " (" + backend + " storage).");
            out.println();
            out.println("    " + secret);
            out.println();
            out.println("This is the only time the key is shown: Salvo keeps just its SHA-256 digest. Send it as");
            out.println("'Authorization: Bearer <key>'. Revoke it with: salvo keys revoke " + key.id());
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the stored keys, oldest first (id, principal, admin, hint, created, revoked); never secrets.")
    static final class ListKeys implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Override
        public Integer call() {
            List<ApiKey> keys;
            try (StoredKeys stored = StoredKeys.open(config.resolve(System.getenv()))) {
                keys = stored.store().list();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (keys.isEmpty()) {
                out.println("No stored API keys. Create one with: salvo keys create --name NAME [--admin]");
                out.flush();
                return 0;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "PRINCIPAL", "ADMIN", "KEY", "CREATED", "REVOKED"});
            for (ApiKey key : keys) {
                rows.add(new String[] {key.id().toString(), key.principal(), key.admin() ? "yes" : "no",
                        ApiKeySecrets.PREFIX + "…" + key.hint(), time(key.createdAt()),
                        key.revoked() ? time(key.revokedAt()) : "-"});
            }
            printTable(out, rows);
            out.flush();
            return 0;
        }

        private static void printTable(PrintWriter out, List<String[]> rows) {
            int[] widths = new int[rows.getFirst().length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key by id: it stops authenticating at once. Revoking twice is harmless.")
    static final class Revoke implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The key's id, as 'salvo keys list' shows it.")
        String id;

        @Mixin
        ConfigOptions config;

        @Override
        public Integer call() {
            ApiKeyId keyId;
            try {
                keyId = ApiKeyId.parse(id);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "not an API key id: '" + id + "'");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (StoredKeys keys = StoredKeys.open(config.resolve(System.getenv()))) {
                Optional<ApiKey> before = keys.store().get(keyId);
                ApiKey revoked = keys.store().revoke(keyId);
                boolean already = before.isPresent() && before.get().revoked();
                out.println((already ? "API key " + keyId + " was already revoked at " : "Revoked API key " + keyId + " at ")
                        + time(revoked.revokedAt()) + " (principal '" + revoked.principal() + "').");
                out.flush();
                return 0;
            } catch (ApiKeyStoreException.NotFound e) {
                spec.commandLine().getErr().println("salvo: no API key with id " + keyId);
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
    }

    private static String time(Instant instant) {
        return instant.toString();
    }
}
