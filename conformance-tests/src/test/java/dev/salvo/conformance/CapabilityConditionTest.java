package dev.salvo.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.salvo.conformance.fixture.good.GoodContract;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a fixture contract the way a build runs an adapter's subclass: a rule that needs a capability the
 * adapter does not declare is reported skipped (its body never runs), and display names are the rule ids with
 * their statements from rules.tsv.
 */
class CapabilityConditionTest {

    private static final String EVERYONE = "XX-1.1 a rule every adapter checks";
    private static final String DURABLE_ONLY = "XX-1.2 a rule only durable adapters check";
    private static final String TWO_RULES = "XX-2.1 the first of two rules one test checks;"
            + " XX-2.2 the second of two rules one test checks";

    @BeforeEach
    void forgetEarlierRuns() {
        GoodContract.RAN.clear();
    }

    @Test
    void aRuleNeedingAnUndeclaredCapabilityIsSkippedAndItsBodyNeverRuns() {
        Map<String, String> outcomes = run(GoodContract.PlainAdapter.class);

        assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of(
                EVERYONE, "SUCCESSFUL",
                DURABLE_ONLY, "skipped: XX-1.2 needs DURABLE, which PlainAdapter does not declare; rule skipped",
                TWO_RULES, "SUCCESSFUL"));
        assertThat(GoodContract.RAN).containsExactlyInAnyOrder("everyone", "twoRules");
    }

    @Test
    void aRuleRunsWhenTheAdapterDeclaresWhatItNeeds() {
        Map<String, String> outcomes = run(GoodContract.DurableAdapter.class);

        assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of(
                EVERYONE, "SUCCESSFUL",
                DURABLE_ONLY, "SUCCESSFUL",
                TWO_RULES, "SUCCESSFUL"));
        assertThat(GoodContract.RAN).containsExactlyInAnyOrder("everyone", "durableOnly", "twoRules");
    }

    /** Display name of each test of {@code adapter} → "SUCCESSFUL", "FAILED: …" or "skipped: reason". */
    private static Map<String, String> run(Class<?> adapter) {
        Map<String, String> outcomes = new TreeMap<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(adapter)).build(),
                new TestExecutionListener() {
                    @Override
                    public void executionSkipped(TestIdentifier test, String reason) {
                        if (test.isTest()) {
                            outcomes.put(test.getDisplayName(), "skipped: " + reason);
                        }
                    }

                    @Override
                    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                        if (test.isTest()) {
                            outcomes.put(test.getDisplayName(), result.getStatus()
                                    + result.getThrowable().map(t -> ": " + t).orElse(""));
                        }
                    }
                });
        return outcomes;
    }
}
