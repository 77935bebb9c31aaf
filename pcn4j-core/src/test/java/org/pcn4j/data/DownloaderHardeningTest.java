package org.pcn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import org.pcn4j.ProgressListener;

/** file:// mirrors, a --dir that is a file, and the .part files a killed download leaves. */
class DownloaderHardeningTest {
    @TempDir
    Path dir;

    private final Downloader dl = new Downloader(Duration.ofSeconds(5));

    private DatasetSource mirror(Path folder) throws Exception {
        byte[][] raw = {Fixtures.idxImages(6, 4, 3, 1), Fixtures.idxLabels(Fixtures.labels(6)),
                Fixtures.idxImages(2, 4, 3, 2), Fixtures.idxLabels(Fixtures.labels(2))};
        List<DatasetSource.RemoteFile> files = new ArrayList<>();
        Files.createDirectories(folder);
        for (int k = 0; k < 4; k++) {
            String name = Datasets.IDX_FILES.get(k) + ".gz";
            Files.write(folder.resolve(name), Fixtures.gzip(raw[k]));
            files.add(new DatasetSource.RemoteFile(name, DownloaderTest.sha256(raw[k])));
        }
        return new DatasetSource("tiny", folder.toUri().toString(), files);
    }

    @Test
    void aFileMirrorIsCopiedAndCheckedLikeADownload() throws Exception {
        DatasetSource src = mirror(dir.resolve("mirror"));
        Path target = dir.resolve("cache");
        List<String> got = new ArrayList<>();
        dl.download(src, target, ProgressListener.none(), (name, outcome, bytes) -> got.add(name + " " + outcome));
        assertEquals(4, got.size());
        assertTrue(got.get(0).endsWith("DOWNLOADED"), got.toString());
        assertEquals(6, Datasets.idx("tiny", target, null).train().size());
        // A mirror folder without the files: one line naming the missing file, no ClassCastException.
        DatasetSource empty = src.withBaseUrl(dir.resolve("nothing").toUri().toString());
        String m = assertThrows(PcnException.class, () -> dl.download(empty, dir.resolve("c2"), null, null)).getMessage();
        assertTrue(m.contains("mirror file") && m.contains("nothing") && m.contains("no such file"), m);
        DatasetSource ftp = src.withBaseUrl("ftp://example.org/x/");
        m = assertThrows(PcnException.class, () -> dl.download(ftp, dir.resolve("c3"), null, null)).getMessage();
        assertTrue(m.contains("unsupported URL scheme 'ftp'"), m);
    }

    @Test
    void aDirThatIsAFileSaysSo() throws Exception {
        DatasetSource src = mirror(dir.resolve("mirror"));
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        String m = assertThrows(PcnException.class, () -> dl.download(src, file, null, null)).getMessage();
        assertEquals("cannot download into " + file + ": it is a file, not a folder", m);
    }

    @Test
    void staleTemporaryFilesOfAKilledDownloadAreRemovedByTheNextOne() throws Exception {
        DatasetSource src = mirror(dir.resolve("mirror"));
        Path target = Files.createDirectories(dir.resolve("cache"));
        String name = src.files().get(0).name();
        Path stale = Files.writeString(target.resolve("." + name + ".1234abcd.part"), "half a file");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - Downloader.STALE_PART_MILLIS - 60_000));
        // A fresh one may be another process's live download: it stays.
        Path live = Files.writeString(target.resolve("." + name + ".99.part"), "being written");
        Path other = Files.writeString(target.resolve(".unrelated.part"), "not ours");
        Files.setLastModifiedTime(other, FileTime.fromMillis(0));
        dl.download(src, target, null, null);
        assertFalse(Files.exists(stale), "the stale .part file is gone");
        assertTrue(Files.exists(live), "a recent .part file is kept");
        assertTrue(Files.exists(other), "files of other names are not touched");
        assertTrue(Files.isRegularFile(target.resolve(name)));
    }
}
