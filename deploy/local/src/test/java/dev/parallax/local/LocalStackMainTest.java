package dev.parallax.local;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStackMainTest {

    @Test
    void defaultsRunThreeRegionsOnPort8080() throws Exception {
        LocalStackMain.Options options = LocalStackMain.parse(new String[0]);
        assertThat(options.regions()).containsExactly("eu-west", "us-east", "ap-south");
        assertThat(options.port()).isEqualTo(8080);
        assertThat(options.dataDir()).isEqualTo(Path.of(".parallax", "local"));
        assertThat(options.help()).isFalse();
        assertThat(options.namespaces()).as("agents on the host unless asked").isFalse();
    }

    @Test
    void namespacesIsAFlagWithoutValue() throws Exception {
        assertThat(LocalStackMain.parse(new String[] {"--namespaces", "--port", "9090"}).namespaces()).isTrue();
        assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--namespaces=yes"}))
                .isInstanceOf(LocalStackMain.UsageException.class).hasMessageContaining("takes no value");
    }

    @Test
    void optionsTakeSeparateOrInlineValues() throws Exception {
        LocalStackMain.Options options = LocalStackMain.parse(
                new String[] {"--regions", "a, b", "--port=9090", "--data", "/tmp/x"});
        assertThat(options.regions()).isEqualTo(List.of("a", "b"));
        assertThat(options.port()).isEqualTo(9090);
        assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(LocalStackMain.parse(new String[] {"--help"}).help()).isTrue();
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--port", "http"}))
                .isInstanceOf(LocalStackMain.UsageException.class).hasMessageContaining("number");
        assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--port", "70000"}))
                .isInstanceOf(LocalStackMain.UsageException.class);
        assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--regions"}))
                .isInstanceOf(LocalStackMain.UsageException.class).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--regions", ","}))
                .isInstanceOf(LocalStackMain.UsageException.class);
        assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--verbose"}))
                .isInstanceOf(LocalStackMain.UsageException.class).hasMessageContaining("--verbose");
    }
}
