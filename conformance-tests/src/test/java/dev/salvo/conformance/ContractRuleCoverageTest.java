package dev.salvo.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.auth.ApiKeyStoreContract;
import dev.salvo.conformance.batch.BatchFixture;
import dev.salvo.conformance.batch.BatchStorageContract;
import dev.salvo.conformance.batch.DaemonStorageContract;
import dev.salvo.conformance.checkpoint.CheckpointStoreContract;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The meta-test of every port's contract ({@link RuleCoverage}): each rule in its {@code rules.tsv} has a test,
 * each test names listed rules of its own prefix, and each test's {@code @Requires} matches the rules' needs.
 */
class ContractRuleCoverageTest {

    static Stream<Arguments> contracts() {
        return Stream.of(
                Arguments.of("CheckpointStore", contracts(CheckpointStoreContract.class, "CK"), 49),
                Arguments.of("ApiKeyStore", contracts(ApiKeyStoreContract.class, "AK"), 26),
                Arguments.of("BatchStorage and DaemonStorage",
                        contracts(BatchStorageContract.class, "BS", DaemonStorageContract.class, "DS"), 132));
    }

    private static Map<Class<?>, String> contracts(Object... classesAndPrefixes) {
        Map<Class<?>, String> contracts = new LinkedHashMap<>();
        for (int i = 0; i < classesAndPrefixes.length; i += 2) {
            contracts.put((Class<?>) classesAndPrefixes[i], (String) classesAndPrefixes[i + 1]);
        }
        return contracts;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void everyRuleHasATestAndEveryTestMatchesItsRules(String port, Map<Class<?>, String> contracts, int atLeast) {
        RuleCatalog catalog = RuleCatalog.forPackageOf(contracts.keySet().iterator().next());

        assertThat(RuleCoverage.problems(contracts)).as("problems of %s", catalog.resource()).isEmpty();
        assertThat(catalog.rules()).as("rules in %s", catalog.resource()).hasSizeGreaterThanOrEqualTo(atLeast);
    }

    @Test
    void eachBatchSectionInterfaceHoldsExactlyOneSectionOfRules() {
        Map<String, Set<String>> sectionsByInterface = new TreeMap<>();
        for (Method test : RuleCoverage.testMethods(BatchStorageContract.class)) {
            assertThat(test.getDeclaringClass()).as("%s is declared in a section interface", test.getName()).isInterface();
            sectionsByInterface.computeIfAbsent(test.getDeclaringClass().getSimpleName(), k -> new TreeSet<>())
                    .addAll(Arrays.stream(test.getAnnotation(Rule.class).value()).map(id -> id.substring(0, id.indexOf('.')))
                            .toList());
        }
        assertThat(sectionsByInterface).hasSize(12).allSatisfy((section, ids) -> assertThat(ids).as(section).hasSize(1));
        List<String> sections = sectionsByInterface.values().stream().map(ids -> ids.iterator().next()).toList();
        assertThat(sections).doesNotHaveDuplicates();
        assertThat(sections).containsExactlyInAnyOrder("BS-1", "BS-2",
                "BS-3", "BS-4", "BS-5", "BS-6", "BS-7", "BS-8", "BS-9", "BS-10", "BS-11", "BS-12");
    }

    @Test
    void fixturesHoldNoTests() {
        for (Class<?> fixture : List.of(ContractFixture.class, StoreContract.class, BatchFixture.class)) {
            assertThat(RuleCoverage.testMethods(fixture)).as("tests in %s", fixture.getSimpleName()).isEmpty();
        }
    }

    @Test
    void displayNamesAreTheRuleIdAndItsStatement() throws NoSuchMethodException {
        Method zombie = BatchStorageContract.class.getMethod("zombieWritesFenced");
        Method reopen = CheckpointStoreContract.class.getDeclaredMethod("survivesReopen");

        assertThat(RuleDisplayNames.displayName(zombie)).isEqualTo("BS-6.13 a zombie holder's start, result, failure,"
                + " cancel and release onto a request another daemon now holds are Fenced and change nothing");
        assertThat(RuleDisplayNames.displayName(reopen)).isEqualTo(
                "CK-9.1 every thread, field, byte and sequence survives reopening the store, and sequences continue");
    }
}
