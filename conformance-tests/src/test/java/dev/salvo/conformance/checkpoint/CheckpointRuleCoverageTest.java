package dev.salvo.conformance.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.RuleCatalog;
import org.junit.jupiter.api.Test;

/** Ties rules.tsv to CheckpointStoreContract: no rule without a test, no test without a listed rule. */
class CheckpointRuleCoverageTest {

    @Test
    void everyRuleHasATestAndEveryTestNamesARule() {
        RuleCatalog catalog = RuleCatalog.forContract(CheckpointStoreContract.class);
        var tested = RuleCatalog.testedRuleIds(CheckpointStoreContract.class);

        assertThat(catalog.rules()).as("rules in %s", catalog.resource()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(tested).as("rule ids that have a test").containsAll(catalog.rules().keySet());
        assertThat(catalog.rules().keySet()).as("rule ids listed in %s", catalog.resource()).containsAll(tested);
    }
}
