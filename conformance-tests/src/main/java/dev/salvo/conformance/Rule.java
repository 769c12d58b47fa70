package dev.salvo.conformance;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rule (or, rarely, rules) a contract test checks, by id. The statement of each rule is written once,
 * in the {@code rules.tsv} beside the contract; {@link RuleDisplayNames} renders it as the test's display
 * name ({@code "BS-6.13 a zombie holder's start, …"}), and {@link RuleCoverage} checks that every listed
 * rule has a test and every id named here is listed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Rule {

    /** Rule ids such as {@code "CK-2.3"}; more than one only when the test really checks each of them. */
    String[] value();
}
