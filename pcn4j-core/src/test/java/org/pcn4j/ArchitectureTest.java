package org.pcn4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pcn4j-core's dependencies point one way. Each layer below may use only the layers listed before
 * it; {@code org.pcn4j} itself ({@code PcnException}, {@code ProgressListener}) and
 * {@code org.pcn4j.util} (JSON, atomic writes, input checks) are the base every layer may use.
 * A new package must be added to {@link #LAYERS} (the test fails until it is), which is where its
 * place in the order is decided. Reads the compiled main classes only (tests may cross layers).
 */
class ArchitectureTest {
    /** Lowest first. A package may depend only on packages earlier in this list. */
    static final List<String> LAYERS = List.of(
            "kernel",   // BLAS-style kernels, Vector API and scalar backends
            "tensor",   // tensors, initializers, small ops
            "optim",    // optimizers and schedules over flat parameters
            "data",     // datasets, batching, downloads
            "model",    // nodes, energies, edges, PcNetwork, Mlp
            "conv",     // convolution numerics (edges over model types)
            "train",    // update rules, inference, Trainer
            "graph",    // graph specs and graphs, edge kinds, generative graphs (queries via train.Inference)
            "io",       // safetensors and model files (name graphs, MLPs and input affines)
            "fit",      // the training loop: evaluation, validation, checkpoints
            "memory",   // PC associative memory and Hopfield baselines
            "temporal", // temporal predictive coding and Kalman filters
            "control"); // active-inference control

    static JavaClasses core;

    @BeforeAll
    static void importClasses() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("org.pcn4j");
    }

    @Test
    void everyPackageHasAPlaceInTheLayerOrder() {
        Set<String> unplaced = new LinkedHashSet<>();
        for (JavaClass c : core) {
            String p = c.getPackageName();
            if (p.equals("org.pcn4j") || p.startsWith("org.pcn4j.util")) {
                continue;
            }
            String top = p.substring("org.pcn4j.".length()).split("\\.")[0];
            if (!LAYERS.contains(top)) {
                unplaced.add(p);
            }
        }
        assertTrue(unplaced.isEmpty(), "packages missing from ArchitectureTest.LAYERS: " + unplaced);
        assertTrue(core.size() > 100, "imported only " + core.size() + " classes");
    }

    @Test
    void layersDependOnlyOnLowerLayers() {
        Architectures.LayeredArchitecture arch = Architectures.layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("base").definedBy("org.pcn4j", "org.pcn4j.util..");
        for (String l : LAYERS) {
            arch = arch.layer(l).definedBy("org.pcn4j." + l + "..");
        }
        List<String> above = new ArrayList<>(LAYERS);
        arch = arch.whereLayer("base").mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
        for (String l : LAYERS) {
            above.remove(l);
            arch = above.isEmpty()
                    ? arch.whereLayer(l).mayNotBeAccessedByAnyLayer()
                    : arch.whereLayer(l).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
        }
        arch.check(core);
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.pcn4j.(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void baseDependsOnNoOtherPackage() {
        classes().that().resideInAnyPackage("org.pcn4j", "org.pcn4j.util..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.pcn4j", "org.pcn4j.util..", "java..")
                .check(core);
    }

    @Test
    void coreUsesOnlyTheJdk() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.pcn4j.cli..", "org.pcn4j.spark..", "org.pcn4j.bench..")
                .check(core);
        noClasses().should().dependOnClassesThat().resideOutsideOfPackages("org.pcn4j..", "java..", "javax..", "jdk.incubator.vector..")
                .check(core);
    }
}
