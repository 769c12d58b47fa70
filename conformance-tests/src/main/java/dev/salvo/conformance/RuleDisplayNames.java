package dev.salvo.conformance;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Renders a contract test's display name from its {@link Rule}: the id and the statement from the
 * {@code rules.tsv} of the package that declares the test ({@code "CK-2.3 loadLatest returns the highest
 * sequence, …"}). Several rules are joined with {@code "; "}. An id missing from the list shows as
 * {@code "<id> (not in …/rules.tsv)"}; {@link RuleCoverage} fails the build for it. Tests without a
 * {@code @Rule} keep JUnit's standard name.
 */
public class RuleDisplayNames extends DisplayNameGenerator.Standard {

    @Override
    public String generateDisplayNameForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
        Rule rule = testMethod.getAnnotation(Rule.class);
        return rule == null ? super.generateDisplayNameForMethod(enclosingInstanceTypes, testClass, testMethod)
                : displayName(testMethod);
    }

    /** The display name of a test method with a {@link Rule}. */
    public static String displayName(Method testMethod) {
        RuleCatalog catalog = RuleCatalog.forPackageOf(testMethod.getDeclaringClass());
        List<String> parts = new ArrayList<>();
        for (String id : testMethod.getAnnotation(Rule.class).value()) {
            parts.add(id + " " + catalog.rule(id).map(RuleCatalog.Entry::statement)
                    .orElse("(not in " + catalog.resource() + ")"));
        }
        return String.join("; ", parts);
    }
}
