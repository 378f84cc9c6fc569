package io.pxtoken.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * A person's first minutes, clicked in a real browser: Debian's {@code chromium} driven through
 * {@code chromium-driver} by Selenium, against this test instance (authentication is off in the test profile, as in
 * {@code quarkus:dev}, so Authorize is not needed). Each step asserts on what the page shows and leaves a screenshot
 * under {@code target/browser/} when it fails. Without a browser the test is skipped, except on CI, where it fails.
 */
@QuarkusTest
class SwaggerUiBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path SHOTS = Path.of("target", "browser");

    private static WebDriver browser;
    private static WebDriverWait wait;
    private static Path profile;

    @BeforeAll
    static void startBrowser() throws IOException {
        Optional<Path> chromium = onPath("chromium", "chromium-browser");
        Optional<Path> driver = onPath("chromedriver");
        if (chromium.isEmpty() || driver.isEmpty()) {
            String missing = "Swagger UI browser test needs chromium and chromedriver on PATH "
                    + "(apt-get install chromium chromium-driver; .ci/run installs them)";
            if ("true".equals(System.getenv("CI"))) {
                fail(missing);
            }
            Assumptions.abort(missing);
        }
        profile = Files.createTempDirectory("pxtoken-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        // no network here beyond this test's own server: nothing that phones home, nothing that waits for it
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,2400", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile())
                .usingAnyFreePort().build();
        long t0 = System.nanoTime();
        browser = new ChromeDriver(service, options);
        System.out.printf("browser started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Optional<Path> onPath(String... names) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : names) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs one step; when it fails, saves what the page showed and names the file in the test report. */
    private static void step(String name, Step step) throws Exception {
        long t0 = System.nanoTime();
        try {
            step.run();
            System.out.printf("step %s: %d ms%n", name, (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception | AssertionError e) {
            Files.createDirectories(SHOTS);
            Path shot = SHOTS.resolve(name + ".png");
            Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), shot,
                    StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(SHOTS.resolve(name + ".html"), browser.getPageSource());
            // surefire keeps stdout in the report; CI tools read this line as an attachment
            System.out.println("[[ATTACHMENT|" + shot.toAbsolutePath() + "]]");
            throw e;
        }
    }

    private static String base() {
        return "http://localhost:" + RestAssured.port;
    }

    @Test
    void mintWithTheJsonExampleThenYamlAsTextThenVerifyTheToken() throws Exception {
        long started = System.nanoTime();
        String[] token = new String[1];

        step("1-open", () -> {
            browser.get(base() + "/");
            wait.until(ExpectedConditions.urlContains("/q/swagger-ui"));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".opblock")));
            // authentication is off in this profile: no Authorize button, no padlocks suggest a token is needed
            assertTrue(browser.findElements(By.cssSelector(".btn.authorize")).isEmpty(), "no Authorize button when auth is off");
            assertTrue(browser.findElements(By.cssSelector(".authorization__btn")).isEmpty(), "no padlocks when auth is off");
        });

        WebElement mint = operation("post", "/v1/tokens");
        step("2-mint-json", () -> {
            tryItOut(mint);
            assertEquals("1y", mint.findElement(By.cssSelector("tr[data-param-name='duration'] input")).getAttribute("value"));
            String body = bodyText(mint);
            assertTrue(body.contains("\"name\": \"Storage Administrator\""), body);
            assertFalse(body.contains("duration"), body);
            JsonNode answer = json(execute(mint, "200"));
            assertEquals("admin@example.com", answer.get("subject").asText());
            assertEquals("portworx.com", answer.get("issuer").asText());
            long days = Duration.between(java.time.Instant.parse(answer.get("issuedAt").asText()),
                    java.time.Instant.parse(answer.get("expiresAt").asText())).toDays();
            assertEquals(365, days, "the query box's 1y is used");
        });

        step("3-mint-yaml-as-text", () -> {
            // the trap of the issue: choosing YAML after "Try it out" used to fill in a generated secret: block
            new Select(mint.findElement(By.cssSelector(".body-param-content-type select"))).selectByVisibleText("application/yaml");
            wait.until(d -> bodyText(mint).startsWith("name: Storage Administrator"));
            String body = bodyText(mint);
            assertFalse(body.contains("secret"), body);
            assertFalse(body.contains("duration"), body);
            new Select(mint.findElement(By.cssSelector(".response-control-media-type select"))).selectByVisibleText("text/plain");
            String text = execute(mint, "200").strip();
            assertTrue(text.matches("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), text);
            token[0] = text;
        });

        WebElement verify = operation("post", "/v1/tokens/verify");
        step("4-verify", () -> {
            tryItOut(verify);
            new Select(verify.findElement(By.cssSelector(".body-param-content-type select"))).selectByVisibleText("text/plain");
            WebElement box = verify.findElement(By.cssSelector("textarea.body-param__text"));
            box.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
            paste(box, token[0]);
            assertEquals(token[0], box.getAttribute("value"));
            JsonNode verdict = json(execute(verify, "200"));
            assertTrue(verdict.get("valid").asBoolean(), verdict.toString());
            assertEquals("admin@example.com", verdict.get("claims").get("sub").asText());
        });

        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        System.out.println("Swagger UI walk-through in the browser took " + seconds + " s");
        assertTrue(seconds < 60, "took " + seconds + " s");
    }

    private static WebElement operation(String method, String path) {
        WebElement block = wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath(
                "//div[contains(@class,'opblock-" + method + "')][.//*[contains(@class,'opblock-summary-path') and @data-path='"
                        + path + "']]")));
        if (!block.getAttribute("class").contains("is-open")) {
            block.findElement(By.cssSelector(".opblock-summary")).click();
        }
        wait.until(d -> block.getAttribute("class").contains("is-open"));
        return block;
    }

    private static void tryItOut(WebElement operation) {
        wait.until(ExpectedConditions.elementToBeClickable(operation.findElement(By.cssSelector(".try-out__btn")))).click();
        wait.until(d -> !operation.findElements(By.cssSelector("button.execute")).isEmpty());
    }

    /**
     * Pastes text into a field, as a person pastes a token: typing 300 characters one by one into Swagger UI's React
     * text area takes half a minute. The native setter and an input event are what React listens to.
     */
    private static void paste(WebElement field, String text) {
        ((JavascriptExecutor) browser).executeScript("const [el, text] = arguments;"
                + "Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(el, text);"
                + "el.dispatchEvent(new Event('input', { bubbles: true }));", field, text);
    }

    private static String bodyText(WebElement operation) {
        return operation.findElement(By.cssSelector("textarea.body-param__text")).getAttribute("value");
    }

    /** Executes and returns the body shown, after checking the status shown. */
    private static String execute(WebElement operation, String status) {
        List<WebElement> old = operation.findElements(By.cssSelector(".live-responses-table"));
        operation.findElement(By.cssSelector("button.execute")).click();
        if (!old.isEmpty()) {
            wait.until(ExpectedConditions.stalenessOf(old.get(0)));
        }
        WebElement live = wait.until(d -> operation.findElements(By.cssSelector(".live-responses-table")).stream()
                .findFirst().orElse(null));
        String shown = live.findElement(By.cssSelector(".response .response-col_status")).getText().strip();
        String body = live.findElement(By.cssSelector(".response-col_description pre")).getText();
        assertEquals(status, shown, body);
        return body;
    }

    private static JsonNode json(String text) throws IOException {
        return new ObjectMapper().readTree(text);
    }
}
