package io.graphpaint.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationProgress;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ImageRef;
import io.graphpaint.events.Timings;
import io.graphpaint.schemas.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real headless Chromium: compose a graph in the form, submit it, watch the
 * progress bar move as the (test-played) worker reports, see the image. Skipped without Chromium.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE, parts = {DevStack.Part.KAFKA, DevStack.Part.SCHEMA_REGISTRY, DevStack.Part.S3})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebPageBrowserTest {

  private static final Path CHROMIUM = Path.of(System.getProperty("graphpaint.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("graphpaint.chromedriver", "/usr/bin/chromedriver"));

  private Cluster cluster;
  private WebDriver browser;
  private Path profile;

  @BeforeAll
  void start(DevStack stack) throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    cluster = new Cluster(stack, 1, Map.of("graphpaint.streams.application.id", "orchestrator-web-it"));
    profile = Files.createTempDirectory("chromium-profile-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void composeSubmitWatchProgressSeeTheImage() throws Exception {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    browser.get(cluster.base(0) + "/");
    wait.until(d -> d.findElement(By.id("object-label-1")).isDisplayed());
    browser.findElement(By.id("object-label-0")).sendKeys("red circle");
    browser.findElement(By.id("object-label-1")).sendKeys("blue square");
    browser.findElement(By.id("predicate-0")).sendKeys("left of");
    browser.findElement(By.id("submit")).click();

    wait.until(d -> !d.findElement(By.id("current-id")).getText().isBlank());
    String id = browser.findElement(By.id("current-id")).getText();
    assertThat(browser.findElement(By.id("errors")).getText()).isEmpty();
    wait.until(d -> d.findElement(By.id("current-state")).getText().equals("SUBMITTED"));

    Instant t = Instant.now();
    cluster.produce(Topic.PROGRESS, id, GenerationProgress.newBuilder().setRequestId(id).setStep(25)
        .setTotalSteps(50).setWorkerId("browser-it").setAt(t).build());
    wait.until(d -> progressValue() == 0.5);
    assertThat(browser.findElement(By.id("current-state")).getText()).isEqualTo("RUNNING");
    assertThat(browser.findElement(By.id("progress-text")).getText()).contains("50%");

    byte[] png = OrchestratorEndToEndTest.png();
    String bucket = cluster.store.buckets().images();
    String key = "images/" + id + "/0.png";
    cluster.store.put(bucket, key, png, "image/png", Map.of());
    cluster.produce(Topic.RESULTS, id, GenerationResult.newBuilder().setRequestId(id).setOutcome(
        GenerationCompleted.newBuilder().setRequestId(id).setModelVersion("web-v1")
            .setImages(List.of(ImageRef.newBuilder().setBucket(bucket).setKey(key).setWidth(32).setHeight(32)
                .setSha256(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png)))
                .setSeed(1L).build()))
            .setTimings(Timings.newBuilder().setQueuedMs(1).setEncodeMs(1).setSampleMs(1).setStoreMs(1).build())
            .setWorkerId("browser-it").setCompletedAt(t.plusMillis(5)).setTags(Map.of()).build()).build());

    wait.until(d -> d.findElement(By.id("current-state")).getText().equals("COMPLETED"));
    assertThat(progressValue()).isEqualTo(1.0);
    WebElement image = wait.until(d -> d.findElements(By.cssSelector("#images img.result")).stream()
        .filter(img -> ((Number) ((JavascriptExecutor) d).executeScript(
            "return arguments[0].complete ? arguments[0].naturalWidth : 0;", img)).intValue() == 32)
        .findFirst().orElse(null));
    assertThat(image.getAttribute("src")).contains(key);

    // The gallery lists it with its graph.
    wait.until(d -> d.findElements(By.cssSelector("#gallery .card[data-id='" + id + "']")).size() == 1);
    String card = browser.findElement(By.cssSelector("#gallery .card[data-id='" + id + "']")).getText();
    assertThat(card).contains("COMPLETED").contains("red circle left of blue square");
  }

  private double progressValue() {
    Object value = ((JavascriptExecutor) browser).executeScript("return document.getElementById('progress').value;");
    return ((Number) value).doubleValue();
  }
}
