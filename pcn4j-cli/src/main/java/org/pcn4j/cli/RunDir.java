package org.pcn4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.pcn4j.PcnException;
import org.pcn4j.io.AtomicFiles;
import org.pcn4j.io.Json;

/** A run's output folder: created and checked for writing before any work starts. */
final class RunDir {
    private final Path dir;

    private RunDir(Path dir) {
        this.dir = dir;
    }

    static RunDir create(Path dir) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new PcnException("--out " + dir + " exists and is not a directory");
            }
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (PcnException e) {
            throw e;
        } catch (IOException | SecurityException e) {
            throw new PcnException("cannot write to --out " + dir + " (" + Errors.describe(e) + ")");
        }
        return new RunDir(dir);
    }

    Path path(String name) {
        return dir.resolve(name);
    }

    void writeJson(String name, Object value) throws IOException {
        AtomicFiles.write(path(name), (Json.writePretty(value) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void truncate(String name) throws IOException {
        Files.write(path(name), new byte[0]);
    }

    void appendJsonLine(String name, Object value) throws IOException {
        Files.write(path(name), (Json.write(value) + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
