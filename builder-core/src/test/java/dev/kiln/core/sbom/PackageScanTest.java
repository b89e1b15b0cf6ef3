package dev.kiln.core.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each package record kiln reads, and the files it must not take for one. */
class PackageScanTest {
  private static List<String> purls(MemoryFiles files) throws Exception {
    return PackageScan.scan(files).stream()
        .map(p -> p.purl().orElse(p.ecosystem() + ":" + p.name() + "@" + p.version()))
        .toList();
  }

  @Test
  void dpkgListsInstalledPackagesOnlyInTheDistributionsNamespace() throws Exception {
    MemoryFiles files =
        new MemoryFiles()
            .file(
                "etc/os-release",
                "PRETTY_NAME=\"Debian GNU/Linux 12\"\nID=debian\nVERSION_ID=\"12\"\n")
            .file(
                "var/lib/dpkg/status",
                """
                Package: libc6
                Status: install ok installed
                Architecture: amd64
                Version: 2.36-9+deb12u4
                Description: GNU C Library
                 continuation line: Version: 0.0

                Package: removed-one
                Status: deinstall ok config-files
                Architecture: amd64
                Version: 1.0

                Package: base-files
                Status: install ok installed
                Architecture: amd64
                Version: 12.4+deb12u5
                """);
    assertEquals(
        List.of(
            "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"),
        purls(files));
  }

  @Test
  void distrolessStatusFilesAndUbuntusNamespace() throws Exception {
    MemoryFiles files =
        new MemoryFiles()
            .file("usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\n")
            .file(
                "var/lib/dpkg/status.d/tzdata",
                "Package: tzdata\nVersion: 2024a-0\nArchitecture: all\n")
            .file("var/lib/dpkg/status.d/tzdata.md5sums", "abc  usr/share/zoneinfo/UTC\n");
    assertEquals(
        List.of("pkg:deb/ubuntu/tzdata@2024a-0?arch=all&distro=ubuntu-22.04"), purls(files));
  }

  @Test
  void apkDatabase() throws Exception {
    MemoryFiles files =
        new MemoryFiles()
            .file("etc/os-release", "ID=alpine\nVERSION_ID=3.20.0\n")
            .file(
                "lib/apk/db/installed",
                "C:Q1abc=\nP:musl\nV:1.2.5-r0\nA:x86_64\nL:MIT\n\nP:busybox\nV:1.36.1-r29\nA:x86_64\nL:GPL-2.0-only\n");
    List<FoundPackage> found = PackageScan.scan(files);
    assertEquals(
        List.of(
            "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64",
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64"),
        purls(files));
    assertEquals(Optional.of("MIT"), found.get(1).license());
  }

  @Test
  void jarsByPomPropertiesNestedJarsAndManifestsAsAFallback() throws Exception {
    byte[] nested = JarBytes.maven("com.example", "inner", "2.0").bytes();
    byte[] app =
        JarBytes.maven("org.example", "app", "1.0.0")
            .entry("BOOT-INF/lib/inner-2.0.jar", nested)
            .bytes();
    byte[] manifestOnly =
        new JarBytes()
            .entry(
                "META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\r\nImplementation-Title: legacy\r\nImplementation-Version: 0.9\r\n\r\n")
            .bytes();
    byte[] bundle =
        new JarBytes()
            .entry(
                "META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\r\nBundle-SymbolicName: org.osgi.thing;singleton:=true\r\nBundle-Version: 3.1\r\n\r\n")
            .bytes();
    MemoryFiles files =
        new MemoryFiles()
            .file("app/app.jar", app)
            .file("opt/lib/legacy.jar", manifestOnly)
            .file("opt/lib/bundle.JAR", bundle)
            .file("opt/lib/not-a-zip.jar", "plain text")
            .file("opt/lib/nothing.jar", new JarBytes().entry("a.txt", "x").bytes());
    List<FoundPackage> found = PackageScan.scan(files);
    assertEquals(
        List.of(
            "pkg:maven/com.example/inner@2.0",
            "maven:legacy@0.9",
            "pkg:maven/org.example/app@1.0.0",
            "maven:org.osgi.thing@3.1"),
        purls(files));
    assertEquals(
        "/app/app.jar!/BOOT-INF/lib/inner-2.0.jar",
        found.stream()
            .filter(p -> p.name().equals("com.example:inner"))
            .findFirst()
            .orElseThrow()
            .foundAt());
  }

  @Test
  void npmPackagesUnderNodeModulesOnly() throws Exception {
    MemoryFiles files =
        new MemoryFiles()
            .file("app/package.json", "{\"name\":\"my-app\",\"version\":\"1.0.0\"}")
            .file(
                "app/node_modules/left-pad/package.json",
                "{\"name\":\"left-pad\",\"version\":\"1.3.0\",\"license\":\"WTFPL\"}")
            .file(
                "app/node_modules/@babel/core/package.json",
                "{\"name\":\"@babel/core\",\"version\":\"7.24.0\"}")
            .file(
                "app/node_modules/left-pad/node_modules/nested/package.json",
                "{\"name\":\"nested\",\"version\":\"0.1.0\"}")
            .file(
                "app/node_modules/left-pad/lib/package.json",
                "{\"name\":\"not-a-package\",\"version\":\"9\"}")
            .file("app/node_modules/broken/package.json", "{not json");
    assertEquals(
        List.of("pkg:npm/%40babel/core@7.24.0", "pkg:npm/left-pad@1.3.0", "pkg:npm/nested@0.1.0"),
        purls(files));
  }

  @Test
  void pythonDistInfoAndEggInfo() throws Exception {
    MemoryFiles files =
        new MemoryFiles()
            .file(
                "usr/lib/python3/dist-packages/Zope.Interface-6.0.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: zope.interface\nVersion: 6.0\nLicense: ZPL 2.1\n\nLicense: not a header\n")
            .file(
                "usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA",
                "Metadata-Version: 2.4\nName: requests\nVersion: 2.31.0\nLicense-Expression: Apache-2.0\n")
            .file(
                "usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO",
                "Name: six\nVersion: 1.16.0\nLicense: UNKNOWN\n");
    List<FoundPackage> found = PackageScan.scan(files);
    assertEquals(
        List.of("pkg:pypi/requests@2.31.0", "pkg:pypi/six@1.16.0", "pkg:pypi/zope-interface@6.0"),
        purls(files));
    assertEquals(Optional.of("Apache-2.0"), found.get(0).license());
    assertEquals(Optional.empty(), found.get(1).license());
  }

  @Test
  void virtualFileSystemsAndSymlinksAreNotRead() throws Exception {
    MemoryFiles files =
        new MemoryFiles()
            .file(
                "proc/1/root/var/lib/dpkg/status",
                "Package: ghost\nStatus: install ok installed\nVersion: 1\n")
            .symlink("var/lib/dpkg/status");
    assertTrue(PackageScan.scan(files).isEmpty());
  }
}
