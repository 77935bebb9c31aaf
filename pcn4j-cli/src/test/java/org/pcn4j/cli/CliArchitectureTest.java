package org.pcn4j.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI is a client of core's public API: its classes live only in {@code org.pcn4j.cli} (a
 * class placed in a core package would reach that package's package-private types), it touches
 * no non-public core type or member, and core never depends on the CLI (or on Spark or the
 * benchmarks). Core's own layer order is {@code org.pcn4j.ArchitectureTest} in pcn4j-core.
 */
class CliArchitectureTest {
    static JavaClasses all;
    static JavaClasses cliModule;

    @BeforeAll
    static void importClasses() throws Exception {
        all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.pcn4j");
        // This module's compiled main classes, wherever their packages are.
        Path main = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        cliModule = new ClassFileImporter().importPath(main);
    }

    @Test
    void cliClassesLiveOnlyInTheCliPackage() {
        classes().should().resideInAPackage("org.pcn4j.cli..").check(cliModule);
    }

    @Test
    void cliUsesOnlyPublicCoreApi() {
        noClasses().that().resideInAPackage("org.pcn4j.cli..")
                .should().dependOnClassesThat(nonPublicCoreClass())
                .orShould().accessTargetWhere(nonPublicCoreMember())
                .check(all);
    }

    @Test
    void coreNeverDependsOnCliSparkOrBench() {
        noClasses().that().resideInAPackage("org.pcn4j..")
                .and().resideOutsideOfPackages("org.pcn4j.cli..", "org.pcn4j.spark..", "org.pcn4j.bench..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.pcn4j.cli..", "org.pcn4j.spark..", "org.pcn4j.bench..")
                .check(all);
    }

    private static boolean inCore(JavaClass c) {
        return c.getPackageName().startsWith("org.pcn4j") && !c.getPackageName().startsWith("org.pcn4j.cli");
    }

    private static DescribedPredicate<JavaClass> nonPublicCoreClass() {
        return DescribedPredicate.describe("non-public core classes",
                c -> inCore(c) && !c.getModifiers().contains(JavaModifier.PUBLIC));
    }

    private static DescribedPredicate<JavaAccess<?>> nonPublicCoreMember() {
        return DescribedPredicate.describe("a non-public member of a core class", a -> {
            if (!inCore(a.getTargetOwner())) {
                return false;
            }
            Optional<? extends JavaMember> m = a.getTarget().resolveMember();
            return m.isPresent() && !m.get().getModifiers().contains(JavaModifier.PUBLIC);
        });
    }
}
