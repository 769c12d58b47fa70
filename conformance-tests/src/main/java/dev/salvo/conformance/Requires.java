package dev.salvo.conformance;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The capabilities a contract test needs. {@link CapabilityCondition} reports the test <em>skipped</em> (with
 * the rule id and the missing capability as the reason) when the adapter's {@code capabilities()} lacks one of
 * them, so an unverified rule is never counted as passed. It must name exactly the capabilities listed in the
 * {@code needs} column of the test's rules in {@code rules.tsv} ({@link RuleCoverage} checks that).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Requires {

    Capability[] value();
}
