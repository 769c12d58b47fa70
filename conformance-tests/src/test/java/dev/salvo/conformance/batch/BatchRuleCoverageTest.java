package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.RuleCatalog;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Ties the one batch rules.tsv to both contracts: every listed rule has a test in one of them, every test
 * names a listed rule, BS- rules live in {@link BatchStorageContract} and DS- rules in {@link DaemonStorageContract}.
 */
class BatchRuleCoverageTest {

    @Test
    void everyRuleHasATestAndEveryTestNamesARule() {
        RuleCatalog catalog = RuleCatalog.forContract(BatchStorageContract.class);
        assertThat(RuleCatalog.forContract(DaemonStorageContract.class).rules()).isEqualTo(catalog.rules());
        Set<String> batchTested = RuleCatalog.testedRuleIds(BatchStorageContract.class);
        Set<String> daemonTested = RuleCatalog.testedRuleIds(DaemonStorageContract.class);
        Set<String> tested = new TreeSet<>(batchTested);
        tested.addAll(daemonTested);

        assertThat(catalog.rules()).as("rules in %s", catalog.resource()).hasSizeGreaterThanOrEqualTo(100);
        assertThat(catalog.rules().keySet()).as("rule ids in %s", catalog.resource())
                .allMatch(id -> id.startsWith("BS-") || id.startsWith("DS-"));
        assertThat(tested).as("rule ids that have a test").containsAll(catalog.rules().keySet());
        assertThat(catalog.rules().keySet()).as("rule ids listed in %s", catalog.resource()).containsAll(tested);
        assertThat(batchTested).as("rules tested by BatchStorageContract").allMatch(id -> id.startsWith("BS-"));
        assertThat(daemonTested).as("rules tested by DaemonStorageContract").allMatch(id -> id.startsWith("DS-"));
    }

    @Test
    void testsAreTopLevelSoEveryAdapterRunsThem() {
        for (Class<?> contract : new Class<?>[] {BatchStorageContract.class, DaemonStorageContract.class}) {
            assertThat(contract.getDeclaredClasses()).as("nested classes of %s", contract.getSimpleName())
                    .noneMatch(c -> c.isAnnotationPresent(Nested.class));
            assertThat(contract.getSuperclass()).isEqualTo(BatchStoresContractSupport.class);
        }
        for (Method m : BatchStoresContractSupport.class.getDeclaredMethods()) {
            assertThat(m.isAnnotationPresent(Test.class)).as("support class holds no tests: %s", m.getName()).isFalse();
        }
    }
}
