package dev.salvo.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A port's machine-readable rule list ({@code rules.tsv} beside its contract: {@code ID<TAB>statement},
 * {@code #} comments) and the check that ties it to the contract class: every listed rule has at least
 * one test whose display name starts with its id, and every test names a listed rule.
 */
public final class RuleCatalog {

    private static final Pattern RULE_ID = Pattern.compile("^([A-Z]{2,4}-\\d+\\.\\d+)\\s");

    private final String resource;
    private final Map<String, String> rules;

    private RuleCatalog(String resource, Map<String, String> rules) {
        this.resource = resource;
        this.rules = Collections.unmodifiableMap(rules);
    }

    /** Loads {@code rules.tsv} from the package of the given contract class. */
    public static RuleCatalog forContract(Class<?> contract) {
        String resource = contract.getPackageName().replace('.', '/') + "/rules.tsv";
        try (InputStream in = contract.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing rule list " + resource);
            }
            Map<String, String> rules = new LinkedHashMap<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t", 2);
                if (parts.length != 2 || rules.put(parts[0].strip(), parts[1].strip()) != null) {
                    throw new IllegalStateException("bad or repeated rule line in " + resource + ": " + line);
                }
            }
            return new RuleCatalog(resource, rules);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, String> rules() {
        return rules;
    }

    public String resource() {
        return resource;
    }

    /** Rule ids named by the display names of the {@code @Test} methods of the contract and its nested classes. */
    public static Set<String> testedRuleIds(Class<?> contract) {
        Set<String> ids = new TreeSet<>();
        Deque<Class<?>> classes = new ArrayDeque<>();
        classes.add(contract);
        while (!classes.isEmpty()) {
            Class<?> type = classes.removeFirst();
            for (Method method : type.getDeclaredMethods()) {
                DisplayName name = method.getAnnotation(DisplayName.class);
                if (method.isAnnotationPresent(Test.class)) {
                    if (name == null) {
                        throw new IllegalStateException(type.getName() + "#" + method.getName() + " has no rule id");
                    }
                    Matcher m = RULE_ID.matcher(name.value());
                    if (!m.find()) {
                        throw new IllegalStateException("display name without a rule id: " + name.value());
                    }
                    ids.add(m.group(1));
                }
            }
            classes.addAll(java.util.List.of(type.getDeclaredClasses()));
        }
        return ids;
    }
}
