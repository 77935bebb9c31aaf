package org.pcn4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --cues}, {@code --clamp} and {@code --out} of the commands that fill in images (a picocli mixin). */
final class CueOptions {
    @Option(names = "--cues", required = true, paramLabel = "X.idx", description = "IDX images (uint8), raw pixel values.")
    Path cues;

    @Option(names = "--clamp", required = true, paramLabel = "WHICH",
            description = "Known pixels: top-half, left-half, none (a noisy cue: nothing is known exactly) or MASK.idx"
                    + " (IDX images of the same size, non-zero where a pixel is known; one mask for all cues or one per cue).")
    String clamp;

    @Option(names = "--out", required = true, paramLabel = "OUT.idx", description = "IDX file to write.")
    Path out;
}
