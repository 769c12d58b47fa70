package dev.salvo.conformance.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.RuleCatalog;
import org.junit.jupiter.api.Test;

/** Ties rules.tsv to ApiKeyStoreContract: no rule without a test, no test without a listed rule. */
class ApiKeyRuleCoverageTest {

    @Test
    void everyRuleHasATestAndEveryTestNamesARule() {
        RuleCatalog catalog = RuleCatalog.forContract(ApiKeyStoreContract.class);
        var tested = RuleCatalog.testedRuleIds(ApiKeyStoreContract.class);

        assertThat(catalog.rules()).as("rules in %s", catalog.resource()).hasSizeGreaterThanOrEqualTo(25);
        assertThat(catalog.rules().keySet()).as("rule ids in %s", catalog.resource()).allMatch(id -> id.startsWith("AK-"));
        assertThat(tested).as("rule ids that have a test").containsAll(catalog.rules().keySet());
        assertThat(catalog.rules().keySet()).as("rule ids listed in %s", catalog.resource()).containsAll(tested);
    }
}
