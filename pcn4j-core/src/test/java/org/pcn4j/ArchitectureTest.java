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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
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
            "convnet",  // conv edges as graph edge kinds (registered through EdgeKinds.Provider)
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

    /** Every package says what lives there; a long file says why in its header comment. */
    @Test
    void everyPackageHasAPackageInfoAndLongFilesGiveAReason() throws IOException {
        Path src = Path.of("src/main/java");
        assertTrue(Files.isDirectory(src), "run from pcn4j-core: " + src.toAbsolutePath());
        List<String> missing = new ArrayList<>();
        List<String> unexplained = new ArrayList<>();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isDirectory(f)) {
                    try (Stream<Path> in = Files.list(f)) {
                        if (in.anyMatch(p -> p.toString().endsWith(".java"))
                                && !Files.exists(f.resolve("package-info.java"))) {
                            missing.add(src.relativize(f).toString());
                        }
                    }
                } else if (f.toString().endsWith(".java")) {
                    List<String> lines = Files.readAllLines(f);
                    if (lines.size() > MAX_LINES && !header(lines).toLowerCase(Locale.ROOT).contains("over 400 lines")) {
                        unexplained.add(f.getFileName() + " (" + lines.size() + " lines)");
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "packages without package-info.java: " + missing);
        assertTrue(unexplained.isEmpty(), "files over " + MAX_LINES
                + " lines without 'Over 400 lines: <reason>' in their header comment: " + unexplained);
    }

    static final int MAX_LINES = 400;

    /** The text before the top-level type's declaration (its header comment). */
    private static String header(List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            if (l.matches("^(public |final |abstract |sealed )*(class|interface|enum|record) .*")) {
                break;
            }
            b.append(l).append(' ');
        }
        return b.toString().replace(" * ", " ").replaceAll("\\s+", " ");
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
