package dev.salvo.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A port's machine-readable rule list: the {@code rules.tsv} in the package of its contract, one rule per
 * line, {@code ID<TAB>needs<TAB>statement}, where {@code needs} is {@code -} or the {@link Capability} names
 * the rule needs, joined by {@code ,}. Blank lines and lines starting with {@code #} (section headings) are
 * ignored. This file is the only place a rule's statement is written: test display names are rendered from
 * it ({@link RuleDisplayNames}) and {@link RuleCoverage} ties it to the contract's tests.
 */
public final class RuleCatalog {

    /** One line of the list. */
    public record Entry(String id, Set<Capability> needs, String statement) {
        public Entry {
            needs = Collections.unmodifiableSet(needs.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(needs));
        }
    }

    static final Pattern RULE_ID = Pattern.compile("([A-Z]{2,4})-(\\d+)\\.(\\d+)");
    private static final String NO_CAPABILITY = "-";
    private static final ConcurrentMap<String, RuleCatalog> LOADED = new ConcurrentHashMap<>();

    private final String resource;
    private final Map<String, Entry> rules;

    private RuleCatalog(String resource, Map<String, Entry> rules) {
        this.resource = resource;
        this.rules = Collections.unmodifiableMap(rules);
    }

    /** The {@code rules.tsv} of the package of {@code type} (a contract, a section interface, a fixture). */
    public static RuleCatalog forPackageOf(Class<?> type) {
        String resource = type.getPackageName().replace('.', '/') + "/rules.tsv";
        ClassLoader loader = type.getClassLoader();
        return LOADED.computeIfAbsent(System.identityHashCode(loader) + ":" + resource, key -> load(loader, resource));
    }

    private static RuleCatalog load(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing rule list " + resource);
            }
            Map<String, Entry> rules = new LinkedHashMap<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Entry entry = parse(resource, line);
                if (rules.put(entry.id(), entry) != null) {
                    throw new IllegalStateException("repeated rule id in " + resource + ": " + line);
                }
            }
            return new RuleCatalog(resource, rules);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Entry parse(String resource, String line) {
        String[] parts = line.split("\t", -1);
        if (parts.length != 3 || !RULE_ID.matcher(parts[0].strip()).matches() || parts[2].isBlank()) {
            throw new IllegalStateException("bad rule line in " + resource + " (want ID<TAB>needs<TAB>statement): " + line);
        }
        Set<Capability> needs = EnumSet.noneOf(Capability.class);
        String column = parts[1].strip();
        if (!column.equals(NO_CAPABILITY)) {
            for (String name : column.split(",")) {
                try {
                    needs.add(Capability.valueOf(name.strip()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("unknown capability '" + name.strip() + "' in " + resource + ": " + line, e);
                }
            }
        }
        return new Entry(parts[0].strip(), needs, parts[2].strip());
    }

    /** Every rule, in file order, by id. */
    public Map<String, Entry> rules() {
        return rules;
    }

    public Optional<Entry> rule(String id) {
        return Optional.ofNullable(rules.get(id));
    }

    /** The class path resource this list was read from. */
    public String resource() {
        return resource;
    }

    /**
     * Where the list is out of order: each id prefix ({@code BS}, {@code DS}, …) must be one contiguous group,
     * and within it ids must ascend by section and then by number ({@code BS-1.9} before {@code BS-1.10}).
     */
    public List<String> orderProblems() {
        List<String> problems = new ArrayList<>();
        Set<String> finishedPrefixes = new HashSet<>();
        String prefix = null;
        int[] last = null;
        for (String id : rules.keySet()) {
            Matcher m = RULE_ID.matcher(id);
            m.matches();
            int[] position = {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
            if (!m.group(1).equals(prefix)) {
                if (prefix != null) {
                    finishedPrefixes.add(prefix);
                }
                if (finishedPrefixes.contains(m.group(1))) {
                    problems.add(resource + ": " + id + " is separated from the other " + m.group(1) + "- rules");
                }
                prefix = m.group(1);
                last = null;
            }
            if (last != null && (position[0] < last[0] || (position[0] == last[0] && position[1] <= last[1]))) {
                problems.add(resource + ": " + id + " comes after " + prefix + "-" + last[0] + "." + last[1]);
            }
            last = position;
        }
        return problems;
    }
}
