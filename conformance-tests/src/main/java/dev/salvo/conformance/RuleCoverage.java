package dev.salvo.conformance;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The check that ties a {@code rules.tsv} to the contracts that test it. It answers a list of problems (empty
 * when all is well); each port's meta-test asserts that the list is empty:
 *
 * <ul>
 *   <li>every listed rule has at least one test, and every {@link Rule} id a test names is listed;</li>
 *   <li>each contract's tests name only rules with its own id prefix ({@code BS-} for the batch contract);</li>
 *   <li>every test's {@link Requires} names exactly the capabilities in the {@code needs} column of its rules;</li>
 *   <li>every {@code @Test} carries a {@link Rule} and no {@code @DisplayName} (the statement lives in the list),
 *       and is declared in the package of the list, so its display name can be rendered;</li>
 *   <li>no test hides in a {@code @Nested} class, which an adapter's subclass would not run;</li>
 *   <li>the list is grouped by prefix and ascends by section and number ({@link RuleCatalog#orderProblems}).</li>
 * </ul>
 */
public final class RuleCoverage {

    private RuleCoverage() {
    }

    /**
     * Checks the contracts that share one {@code rules.tsv} (the one in their package).
     *
     * @param prefixByContract each contract class and the rule id prefix its tests use, e.g. {@code "BS"}
     */
    public static List<String> problems(Map<Class<?>, String> prefixByContract) {
        List<String> problems = new ArrayList<>();
        RuleCatalog catalog = RuleCatalog.forPackageOf(prefixByContract.keySet().iterator().next());
        problems.addAll(catalog.orderProblems());
        Set<String> tested = new TreeSet<>();
        prefixByContract.forEach((contract, prefix) -> {
            if (!sharesCatalog(contract, catalog)) {
                problems.add(contract.getName() + " does not share " + catalog.resource());
            }
            for (Class<?> type : hierarchy(contract)) {
                for (Class<?> nested : type.getDeclaredClasses()) {
                    if (nested.isAnnotationPresent(Nested.class)) {
                        problems.add(nested.getName() + " is @Nested: adapter subclasses would not run its tests");
                    }
                }
            }
            for (Method test : testMethods(contract)) {
                checkTest(catalog, prefix, test, tested, problems);
            }
        });
        for (String id : catalog.rules().keySet()) {
            if (!tested.contains(id)) {
                problems.add(id + " (" + catalog.resource() + ") has no test");
            }
        }
        return problems;
    }

    private static void checkTest(RuleCatalog catalog, String prefix, Method test, Set<String> tested,
                                  List<String> problems) {
        String name = test.getDeclaringClass().getSimpleName() + "#" + test.getName();
        if (test.isAnnotationPresent(DisplayName.class)) {
            problems.add(name + " has a @DisplayName: the statement belongs in " + catalog.resource());
        }
        if (!sharesCatalog(test.getDeclaringClass(), catalog)) {
            problems.add(name + " is declared outside the package of " + catalog.resource());
        }
        Rule rule = test.getAnnotation(Rule.class);
        if (rule == null || rule.value().length == 0) {
            problems.add(name + " names no @Rule");
            return;
        }
        Set<Capability> needed = EnumSet.noneOf(Capability.class);
        for (String id : rule.value()) {
            if (!id.startsWith(prefix + "-")) {
                problems.add(name + " names " + id + ", but its contract's rules are " + prefix + "-…");
            }
            var entry = catalog.rule(id);
            if (entry.isEmpty()) {
                problems.add(name + " names " + id + ", which is not in " + catalog.resource());
                continue;
            }
            tested.add(id);
            needed.addAll(entry.get().needs());
        }
        Requires requires = test.getAnnotation(Requires.class);
        Set<Capability> declared = EnumSet.noneOf(Capability.class);
        if (requires != null) {
            declared.addAll(Arrays.asList(requires.value()));
        }
        if (!declared.equals(needed)) {
            problems.add(name + " has @Requires " + declared + ", but " + catalog.resource() + " says "
                    + String.join(", ", rule.value()) + " need " + needed);
        }
    }

    private static boolean sharesCatalog(Class<?> type, RuleCatalog catalog) {
        try {
            return RuleCatalog.forPackageOf(type) == catalog;
        } catch (IllegalStateException e) {   // no or a broken rules.tsv in that package
            return false;
        }
    }

    /** Every {@code @Test} method a subclass of {@code contract} runs: from the class, its superclasses and all their interfaces. */
    public static List<Method> testMethods(Class<?> contract) {
        Map<String, Method> tests = new LinkedHashMap<>();
        for (Class<?> type : hierarchy(contract)) {
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(Test.class)) {
                    tests.putIfAbsent(type.getName() + "#" + method.getName(), method);
                }
            }
        }
        return List.copyOf(tests.values());
    }

    /** The class, its superclasses (up to, not including, {@code Object}) and every interface they implement. */
    private static Set<Class<?>> hierarchy(Class<?> contract) {
        Set<Class<?>> types = new LinkedHashSet<>();
        Deque<Class<?>> queue = new ArrayDeque<>();
        queue.add(contract);
        while (!queue.isEmpty()) {
            Class<?> type = queue.removeFirst();
            if (type == Object.class || !types.add(type)) {
                continue;
            }
            if (type.getSuperclass() != null) {
                queue.add(type.getSuperclass());
            }
            queue.addAll(Arrays.asList(type.getInterfaces()));
        }
        return types;
    }
}
