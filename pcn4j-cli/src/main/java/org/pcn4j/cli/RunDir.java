package org.pcn4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.data.InputAffine;
import org.pcn4j.io.ModelFile;
import org.pcn4j.model.PcModel;
import org.pcn4j.util.AtomicFiles;
import org.pcn4j.util.Json;

/**
 * A run's output folder: created and checked for writing before any work starts. A folder that
 * already holds a model belongs to another run and is refused unless the user said --overwrite
 * (or resumes that run), so a new run never destroys an old model by starting.
 */
final class RunDir {
    static final String MODEL = "model.safetensors";
    private final Path dir;

    private RunDir(Path dir) {
        this.dir = dir;
    }

    /** A folder whose files the command may replace (memory bench writes no model). */
    static RunDir create(Path dir) {
        return create(dir, true);
    }

    /** Creates (or checks) {@code dir}; {@code mayReplace}: the user allowed replacing another run's model. */
    static RunDir create(Path dir, boolean mayReplace) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new PcnException("--out " + dir + " exists and is not a directory");
            }
            if (!mayReplace && Files.exists(dir.resolve(MODEL))) {
                throw new PcnException("--out " + dir + " holds another run's " + MODEL
                        + "; choose another folder, or add --overwrite to replace it");
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

    /**
     * Writes the model atomically, first removing the temporary files of writes that a kill
     * interrupted ({@code .model.safetensors.*.tmp}): this folder belongs to this run alone.
     */
    void saveModel(PcModel net, InputAffine affine, Map<String, String> meta) {
        removeStaleTemporaries(MODEL);
        ModelFile.save(path(MODEL), net, affine, meta);
    }

    /** Deletes {@code .NAME.*.tmp} left in this folder by interrupted atomic writes of NAME. */
    void removeStaleTemporaries(String name) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "." + name + ".*.tmp")) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeJson(String name, Object value) throws IOException {
        removeStaleTemporaries(name);
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
