package dev.salvo.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/architecture.md ("Dependency rules", which lists these tests), checked on
 * the compiled production classes of every module on this test class path. Maven module dependencies
 * already stop most wrong arrows from compiling; these rules state them at class level and catch the rest.
 */
class ArchitectureTest {

    private static JavaClasses salvo;

    @BeforeAll
    static void importClasses() {
        salvo = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // test-jars (the PostgreSQL fixture) are test code too; DO_NOT_INCLUDE_TESTS only knows test directories
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.salvo");
    }

    static final ArchRule CORE_IS_PURE = classes().that().resideInAPackage("dev.salvo.core..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.salvo.core..")
            .because("core is the pure domain: JDK only");

    static final ArchRule ADAPTERS_ARE_INDEPENDENT = slices().matching("dev.salvo.storage.(*)..")
            .should().notDependOnEachOther()
            .because("an adapter never sees another adapter");

    static final ArchRule ADAPTERS_SEE_NO_APPLICATION_LAYER = noClasses().that().resideInAPackage("dev.salvo.storage..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.salvo.daemon..", "dev.salvo.http..", "dev.salvo.app..");

    static final ArchRule DAEMON_AND_HTTP_SEE_PORTS_ONLY = noClasses()
            .that().resideInAnyPackage("dev.salvo.daemon..", "dev.salvo.http..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.salvo.storage..", "dev.salvo.app..")
            .because("the daemon and the HTTP API talk to ports, never to adapter classes");

    static final ArchRule GUICE_ONLY_IN_WIRING = noClasses()
            .that().resideOutsideOfPackages("dev.salvo.app..", "dev.salvo.storage.memory", "dev.salvo.storage.filesystem",
                    "dev.salvo.storage.postgres")
            .should().dependOnClassesThat().resideInAPackage("com.google.inject..")
            .because("Guice belongs to the adapters' wiring modules and the composition root");

    /** jOOQ's generated classes (tables ↔ records ↔ keys) refer to each other by design; they are generated, not written. */
    static final ArchRule NO_CYCLES = slices().matching("dev.salvo.(**)").should().beFreeOfCycles()
            .ignoreDependency(JavaClass.Predicates.resideInAPackage("dev.salvo.storage.postgres.jooq.."),
                    JavaClass.Predicates.resideInAPackage("dev.salvo.storage.postgres.jooq.."));

    static final ArchRule CONFORMANCE_SEES_CORE_ONLY = noClasses().that().resideInAPackage("dev.salvo.conformance..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.salvo.storage..", "dev.salvo.http..",
                    "dev.salvo.daemon..", "dev.salvo.app..");

    @Test
    void coreDependsOnTheJdkOnly() {
        CORE_IS_PURE.check(salvo);
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        ADAPTERS_ARE_INDEPENDENT.check(salvo);
        ADAPTERS_SEE_NO_APPLICATION_LAYER.check(salvo);
    }

    @Test
    void daemonAndHttpApiSeePortsOnly() {
        DAEMON_AND_HTTP_SEE_PORTS_ONLY.check(salvo);
    }

    @Test
    void guiceStaysInWiringModulesAndTheApp() {
        GUICE_ONLY_IN_WIRING.check(salvo);
    }

    @Test
    void packagesAreFreeOfCycles() {
        NO_CYCLES.check(salvo);
    }

    @Test
    void conformanceSuiteIsWrittenAgainstPortsOnly() {
        CONFORMANCE_SEES_CORE_ONLY.check(salvo);
    }

    /** The rules are not vacuous: a core class that uses Guice is caught by the core rule and by the Guice rule. */
    @Test
    void rulesFailOnAWrongDependency() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.salvo.core.archfixture");
        assertThatThrownBy(() -> CORE_IS_PURE.check(fixture)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("com.google.inject");
        assertThatThrownBy(() -> GUICE_ONLY_IN_WIRING.check(fixture)).isInstanceOf(AssertionError.class);
    }
}
