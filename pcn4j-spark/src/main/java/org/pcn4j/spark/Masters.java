package org.pcn4j.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pcn4j.PcnException;

/**
 * Checks a {@code --spark} master before Spark sees it. Spark retries an unreachable standalone
 * master for about a minute before it gives up, so a {@code spark://} address is probed with a
 * plain TCP connect first (a few seconds at most) and a refusal is a one-line error.
 */
final class Masters {
    private Masters() {}

    static final int CONNECT_TIMEOUT_MS = 3000;
    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9][0-9]*)(,[0-9]+)?\\])?");
    private static final Pattern CLUSTER =
            Pattern.compile("local-cluster\\[[1-9][0-9]*,\\s*[1-9][0-9]*,\\s*([1-9][0-9]{0,8})\\]");
    /**
     * Spark's smallest executor heap: 1.5 x the 300 MB it reserves (UnifiedMemoryManager). A
     * local-cluster executor with less dies at start and Spark starts another, without end: the
     * run would wait for resources forever.
     */
    static final int MIN_EXECUTOR_MB = 450;
    private static final Pattern STANDALONE = Pattern.compile("spark://([^:/,]+):([0-9]{1,5})");

    static void check(String master) {
        Matcher c = CLUSTER.matcher(master);
        if (c.matches() && Integer.parseInt(c.group(1)) < MIN_EXECUTOR_MB) {
            throw new PcnException("--spark " + master + ": " + c.group(1) + " MB per executor is below Spark's minimum"
                    + " of " + MIN_EXECUTOR_MB + " MB (1.5 x its 300 MB reserve); give local-cluster[N,CORES,MB] at least "
                    + MIN_EXECUTOR_MB);
        }
        if (LOCAL.matcher(master).matches() || c.matches() || master.equals("yarn") || master.startsWith("k8s://")) {
            return;
        }
        Matcher m = STANDALONE.matcher(master);
        if (!m.matches()) {
            throw new PcnException("--spark '" + master + "': expected local[N], local-cluster[N,CORES,MB],"
                    + " spark://HOST:PORT, yarn or k8s://...");
        }
        String host = m.group(1);
        int port = Integer.parseInt(m.group(2));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new PcnException("--spark " + master + ": no Spark master reachable at " + host + ":" + port
                    + " (" + why + ")");
        }
    }
}
