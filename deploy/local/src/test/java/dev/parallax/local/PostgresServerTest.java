package dev.parallax.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs the embedded server for real; as root it exercises zonky's user-namespace path. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresServerTest {

    @TempDir
    Path dir;

    @Test
    void embeddedServerAnswersQueriesAndStopsOnClose() throws Exception {
        ProcessHandle postmaster;
        int port;
        try (PostgresServer pg = PostgresServer.start(dir.resolve("pgdata"), 0, dir.resolve("postgres.log"))) {
            assertThat(pg.isEmbedded()).isTrue();
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/parallax");
            postmaster = pg.process().orElseThrow();
            port = pg.port();
            try (Connection c = pg.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select 1, current_database()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getString(2)).isEqualTo(PostgresServer.DATABASE);
            }
        }
        assertThat(Processes.isGone(postmaster)).as("postmaster gone").isTrue();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .as("nothing listens on the old port").isInstanceOf(java.io.IOException.class);
    }

    @Test
    void restartKeepsData() throws Exception {
        Path data = dir.resolve("pgdata");
        try (PostgresServer pg = PostgresServer.start(data, 0, dir.resolve("postgres.log"));
             Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("create table kept (v text)");
            s.execute("insert into kept values ('still here')");
        }
        try (PostgresServer pg = PostgresServer.start(data, 0, dir.resolve("postgres.log"));
             Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select v from kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void stoppedAndStartedAgainItKeepsItsPortTablesAndRowsAndRefusesConnectionsMeanwhile() throws Exception {
        try (PostgresServer pg = PostgresServer.embedded(dir.resolve("pgdata"), 0, dir.resolve("postgres.log"),
                ComponentListener.NONE)) {
            int port = pg.port();
            String url = pg.jdbcUrl();
            pg.start();
            try (Connection c = DriverManager.getConnection(url, pg.username(), pg.password());
                 Statement s = c.createStatement()) {
                s.execute("create table kept (id int primary key, v text not null)");
                s.execute("insert into kept values (1, 'one'), (2, 'two')");
            }
            ProcessHandle first = pg.process().orElseThrow();

            pg.stop();
            assertThat(Processes.isGone(first)).isTrue();
            assertThat(pg.isRunning()).isFalse();
            assertThat(Loopback.accepts(port)).as("nothing listens on " + port + " while stopped").isFalse();
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "postgres").close())
                    .isInstanceOf(SQLException.class);

            pg.start();
            assertThat(pg.port()).isEqualTo(port);
            assertThat(pg.jdbcUrl()).isEqualTo(url);
            try (Connection c = DriverManager.getConnection(url, pg.username(), pg.password());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select id, v from kept order by id")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getInt(1) + "=" + rs.getString(2));
                }
                assertThat(rows).containsExactly("1=one", "2=two");
            }
        }
        assertThat(dir.resolve("postgres.log.1")).as("the first run's log is kept").exists();
    }

    @Test
    void environmentNamesAnExternalServer() {
        assertThat(PostgresServer.fromEnvironment(Map.of())).isEmpty();
        PostgresServer external = PostgresServer.fromEnvironment(Map.of(
                PostgresServer.ENV_JDBC_URL, "jdbc:postgresql://db.example:5432/parallax",
                PostgresServer.ENV_JDBC_PASSWORD, "secret")).orElseThrow();
        assertThat(external.isEmbedded()).isFalse();
        assertThat(external.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/parallax");
        assertThat(external.username()).isEqualTo("postgres");
        assertThat(external.password()).isEqualTo("secret");
        assertThat(external.process()).isEmpty();
        assertThatThrownBy(external::stop).isInstanceOf(IllegalStateException.class).hasMessageContaining("external");
        external.close();
    }
}
