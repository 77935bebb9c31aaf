package org.pcn4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The spark-submit entry point: {@code spark-submit --class org.pcn4j.spark.Train pcn4j-spark.jar
 * <train flags>} runs {@code pcn4j train <train flags>} with {@code --spark} set to the master
 * spark-submit was given (its {@code spark.master} property) unless the flags name one.
 */
public final class Train {
    private Train() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        List<String> a = new ArrayList<>();
        a.add("train");
        a.addAll(Arrays.asList(args));
        if (!a.contains("--spark") && a.stream().noneMatch(s -> s.startsWith("--spark="))) {
            String master = System.getProperty("spark.master");
            if (master == null) {
                System.err.println("pcn4j: error: no Spark master: run through spark-submit --master MASTER, or pass"
                        + " --spark MASTER");
                return 2;
            }
            a.add("--spark");
            a.add(master);
        }
        int code = org.pcn4j.cli.Main.run(a.toArray(new String[0]));
        System.out.flush();
        return code;
    }
}
