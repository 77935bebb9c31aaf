package org.pcn4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --image-start} of the queries that leave the image free (a picocli mixin). */
final class ImageStartOption {
    @Option(names = "--image-start", defaultValue = "auto", paramLabel = "auto|mean|default",
            description = "Where the free image starts: 'mean' the training mean saved in the model, 'default' the"
                    + " network's own initialization (top-down for layered models, zero in graphs with cycles); 'auto' is"
                    + " mean for graphs with cycles, default otherwise (default: ${DEFAULT-VALUE}).")
    String value;

    /** The start for this model, or null for the network's own initialization. */
    float[] resolve(QueryModel q, Path model) {
        return q.imageStart(value, model);
    }
}
