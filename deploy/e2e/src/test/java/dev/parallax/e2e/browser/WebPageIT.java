package dev.parallax.e2e.browser;

import dev.parallax.client.ApiException;
import dev.parallax.client.ApiResponse;
import dev.parallax.client.ParallaxClient;
import dev.parallax.client.Schedule;
import dev.parallax.e2e.E2eStacks;
import dev.parallax.e2e.LoopbackPorts;
import dev.parallax.local.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page the coordinator serves at {@code /}, in Debian's headless chromium: a check submitted through the form
 * fills the region × port matrix with the right states as verdicts stream in; an API error is shown as the
 * problem's message. Screenshots go to {@code deploy/e2e/target/screenshots/}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WebPageIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final List<String> REGIONS = List.of("eu-west", "us-east", "ap-south");

    private static LocalStack stack;
    private static WebDriver browser;
    private static Path screenshots;

    @BeforeAll
    static void start() throws IOException {
        assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium chromium-driver; .ci/run installs it)")
                .isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromedriver (apt-get install chromium-driver)").isExecutable();
        screenshots = Files.createDirectories(E2eStacks.repoRoot().resolve("deploy/e2e/target/screenshots"));
        stack = E2eStacks.builder("web")
                .regions(REGIONS)
                // A schedule with runs and uptime within the test's patience.
                .coordinatorProperties(Map.of("parallax.schedules.min-interval", "PT1S",
                        "parallax.uptime.rollup-interval", "PT1S"))
                .build()
                .start();
        // The form preselects the regions with a live agent: start once every agent has reported.
        try (ParallaxClient api = ParallaxClient.of(stack.apiBaseUri())) {
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (REGIONS.stream().anyMatch(region -> liveAgents(api, region) < 1) && System.nanoTime() < until) {
                sleep(500);
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aCheckSubmittedThroughTheFormFillsTheMatrixWithEachRegionsStates() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK);
             LoopbackPorts.Silent silent = new LoopbackPorts.Silent()) {
            int closed = LoopbackPorts.released();
            browser.manage().window().setSize(new Dimension(1280, 900));
            browser.get(stack.apiBaseUri().resolve("/").toString());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.until(page -> page.findElements(By.cssSelector("input[name=region]:checked")).size()
                    == REGIONS.size());

            WebElement form = browser.findElement(By.id("check-form"));
            form.findElement(By.name("target")).sendKeys("127.0.0.1");
            form.findElement(By.name("ports")).sendKeys(open.getLocalPort() + "," + closed + ","
                    + silent.port());
            WebElement timeout = form.findElement(By.name("timeoutMs"));
            timeout.clear();
            timeout.sendKeys("1000");
            form.findElement(By.cssSelector("button[type=submit]")).click();

            wait.until(page -> page.getCurrentUrl().contains("#/checks/"));
            wait.until(page -> !page.findElement(By.id("summary")).getText().isEmpty()
                    && !page.findElement(By.id("summary")).getText().startsWith("Waiting"));

            for (String region : REGIONS) {
                assertThat(stateOf(region, open.getLocalPort())).as("%s, the listening port", region)
                        .isEqualTo("OPEN");
                assertThat(stateOf(region, closed)).as("%s, the released port", region).isEqualTo("CLOSED");
                assertThat(stateOf(region, silent.port())).as("%s, the port that drops SYNs", region)
                        .isEqualTo("FILTERED");
            }
            WebElement cell = browser.findElement(By.cssSelector(
                    "tr[data-region='eu-west'] td[data-port='" + open.getLocalPort() + "']"));
            assertThat(cell.getAttribute("title")).as("hover text of an open cell").startsWith("OPEN (syn-ack), ")
                    .endsWith(" ms");
            assertThat(browser.findElement(By.id("summary")).getText()).as("summary")
                    .contains(open.getLocalPort() + " open from ap-south, eu-west, us-east.");
            assertThat(browser.findElements(By.cssSelector("#recent li"))).as("recent checks").isNotEmpty();
            screenshot("check-matrix.png");

            browser.manage().window().setSize(new Dimension(390, 844));
            Thread.sleep(300);
            screenshot("check-matrix-phone.png");
        }
    }

    @Test
    void anApiErrorIsShownAsTheProblemsMessage() throws Exception {
        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.get(stack.apiBaseUri().resolve("/#/").toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(page -> !page.findElements(By.cssSelector("input[name=region]")).isEmpty());
        WebElement form = browser.findElement(By.id("check-form"));
        form.findElement(By.name("target")).sendKeys("127.0.0.1:443");
        form.findElement(By.name("ports")).sendKeys("70000");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        WebElement error = wait.until(page -> {
            WebElement box = page.findElement(By.id("error"));
            return box.isDisplayed() ? box : null;
        });
        assertThat(error.getText()).contains("Invalid request").contains("port 70000 is out of range")
                .contains("includes a port");
        screenshot("check-error.png");
    }

    @Test
    void theRegionsPageListsEveryRegionWithItsLiveAgent() throws Exception {
        // Right after the stack started, an agent may not have sent its first heartbeat: reload until it has.
        List<String> rows = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            browser.get(stack.apiBaseUri().resolve("/#/regions").toString());
            new WebDriverWait(browser, Duration.ofSeconds(10)).until(page ->
                    page.findElements(By.cssSelector("#regions tbody tr")).size() == REGIONS.size());
            rows.clear();
            browser.findElements(By.cssSelector("#regions tbody tr")).forEach(row -> rows.add(row.getText()));
            if (rows.stream().allMatch(row -> row.matches("^[a-z-]+ 1 1 .*")) || System.nanoTime() > until) {
                break;
            }
            Thread.sleep(500);
        }

        assertThat(rows).allSatisfy(row -> assertThat(row).containsPattern("^[a-z-]+ 1 1 "));
        assertThat(browser.findElements(By.cssSelector("#agents tbody tr"))).hasSize(REGIONS.size());
    }

    @Test
    void theSchedulePageShowsUptimePerRegionAndAChartOfTheRuns() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK);
             ParallaxClient api = ParallaxClient.of(stack.apiBaseUri())) {
            ApiResponse<Schedule> created = api.createSchedule("""
                    {"target": "127.0.0.1", "ports": [%d], "regions": ["eu-west", "us-east"], "every": "1s",
                     "timeoutMs": 500}""".formatted(open.getLocalPort()));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = created.value().id().toString();
            Thread.sleep(6_000);

            browser.manage().window().setSize(new Dimension(1280, 900));
            browser.get(stack.apiBaseUri().resolve("/#/schedules/" + id).toString());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.until(page -> page.findElements(By.cssSelector("#uptime tbody tr")).size() == 2);

            List<String> rows = new ArrayList<>();
            browser.findElements(By.cssSelector("#uptime tbody tr")).forEach(row -> rows.add(row.getText()));
            assertThat(rows).as("uptime rows").allSatisfy(row -> assertThat(row)
                    .containsPattern("^(eu-west|us-east) " + open.getLocalPort() + " 100\\.00 % \\d+ probes"));
            assertThat(browser.findElements(By.cssSelector("#chart svg polyline"))).as("one line per region and port")
                    .hasSize(2);
            assertThat(browser.findElement(By.cssSelector("#schedule-list")).getText())
                    .contains("127.0.0.1 : " + open.getLocalPort());
            screenshot("schedule-uptime.png");
            api.deleteSchedule(id).value();
        }
    }

    private static int liveAgents(ParallaxClient api, String region) {
        try {
            return api.liveAgents(region);
        } catch (ApiException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String stateOf(String region, int port) {
        return browser.findElement(By.cssSelector("tr[data-region='" + region + "'] td[data-port='" + port + "']"))
                .getAttribute("class").replace("cell", "").strip();
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), screenshots.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
