package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcn4j.cli.TrainCommandTest.assertOneLineError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.util.Json;

class ControlCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesTrajectoryPlotsAndMetrics() throws Exception {
        Path dir = tmp.resolve("arm");
        CliRunner.Result r = CliRunner.run("control", "--plant", "arm2", "--controller", "uaic", "--duration", "3",
                "--collision", "1,1", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> j = Json.parseObject(r.out());
        assertEquals(2, Json.getList(j, "overshoot_percent").size());
        assertTrue(j.containsKey("collision"));
        List<String> lines = Files.readAllLines(dir.resolve("trajectory.csv"));
        assertEquals("t,q1,q2,belief1,belief2,action1,action2", lines.get(0));
        assertEquals(3001, lines.size());
        assertTrue(Files.size(dir.resolve("q1.png")) > 1000);
        assertTrue(Files.size(dir.resolve("action.png")) > 1000);
    }

    @Test
    void aicSettlesTheMassSpringDamper() {
        CliRunner.Result r = CliRunner.run("control", "--plant", "mass-spring-damper", "--controller", "aic",
                "--out", tmp.resolve("msd").toString(), "--no-plots");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> j = Json.parseObject(r.out());
        double settle = ((Number) Json.getList(j, "settling_time_s").get(0)).doubleValue();
        assertTrue(settle > 0 && settle < 15, "settling time " + settle);
    }

    @Test
    void unknownPlantOrControllerIsAOneLineError() {
        assertOneLineError(CliRunner.run("control", "--plant", "cart", "--controller", "aic", "--out",
                tmp.toString()), "unknown plant 'cart'");
        assertOneLineError(CliRunner.run("control", "--plant", "arm2", "--controller", "mpc", "--out",
                tmp.toString()), "unknown controller 'mpc'");
        assertOneLineError(CliRunner.run("control", "--plant", "arm2", "--controller", "aic", "--collision", "2",
                "--out", tmp.toString()), "--collision must be START,LENGTH");
    }
}
