package dev.salvo.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.fixture.broken.BrokenContract;
import dev.salvo.conformance.fixture.good.GoodContract;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The meta-test is not vacuous: a contract with every kind of mistake gets exactly these reports. */
class RuleCoverageCheckTest {

    @Test
    void reportsEveryKindOfMistake() {
        String tsv = "dev/salvo/conformance/fixture/broken/rules.tsv";

        assertThat(RuleCoverage.problems(Map.of(BrokenContract.class, "YY"))).containsExactlyInAnyOrder(
                tsv + ": YY-2.2 is separated from the other YY- rules",
                tsv + ": YY-2.1 comes after YY-2.2",
                "dev.salvo.conformance.fixture.broken.BrokenContract$Hidden is @Nested: adapter subclasses would not run its tests",
                "BrokenContract#unknownRule names YY-9.9, which is not in " + tsv,
                "BrokenContract#requiresTooMuch has @Requires [MULTI_PROCESS], but " + tsv + " says YY-1.3 need []",
                "BrokenContract#requiresTooLittle has @Requires [], but " + tsv + " says YY-2.1 need [DURABLE]",
                "BrokenContract#otherPrefix names ZZ-1.1, but its contract's rules are YY-…",
                "BrokenContract#noRule names no @Rule",
                "BrokenContract#displayName has a @DisplayName: the statement belongs in " + tsv,
                "YY-1.2 (" + tsv + ") has no test");
    }

    @Test
    void reportsNothingForAWellFormedContract() {
        assertThat(RuleCoverage.problems(Map.of(GoodContract.class, "XX"))).isEmpty();
    }
}
