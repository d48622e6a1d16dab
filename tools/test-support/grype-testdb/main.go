// grype-testdb writes a small grype v6 vulnerability database for the tests,
// offline, with grype's own DB-writing code (grype/db/v6): the same schema,
// import metadata and archive layout `grype db import` reads, so the pipeline
// is tested against a database grype itself accepts, not an imitation.
//
//	grype-testdb -spec entries.json -built 2026-12-01T00:00:00Z -out DIR
//
// writes DIR/vulnerability-db.tar.gz (vulnerability.db + import.json).
// entries.json: [{"id", "severity", "ecosystem": "deb", "package", "os": "debian:12", "codename": "bookworm",
// "constraint": "< 2.36-9+deb12u15", "fixed": "2.36-9+deb12u15" | "", "description"}];
// a Go entry has ecosystem "go-module", no os and "versionType": "go".
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/afero"

	"github.com/anchore/grype/grype/db/provider"
	v6 "github.com/anchore/grype/grype/db/v6"
	v6build "github.com/anchore/grype/grype/db/v6/build"
	"github.com/anchore/grype/grype/db/v6/build/transformers"
)

type entry struct {
	ID          string `json:"id"`
	Severity    string `json:"severity"`
	Ecosystem   string `json:"ecosystem"`
	Package     string `json:"package"`
	OS          string `json:"os"`
	Codename    string `json:"codename"`
	Constraint  string `json:"constraint"`
	VersionType string `json:"versionType"`
	Fixed       string `json:"fixed"`
	Description string `json:"description"`
}

func main() {
	spec := flag.String("spec", "", "JSON file with the entries")
	built := flag.String("built", "", "build time (RFC 3339); default now")
	out := flag.String("out", "", "output directory")
	flag.Parse()
	if err := run(*spec, *built, *out); err != nil {
		fmt.Fprintf(os.Stderr, "grype-testdb: %v\n", err)
		os.Exit(1)
	}
}

func run(specPath, builtAt, out string) error {
	if specPath == "" || out == "" {
		return fmt.Errorf("usage: grype-testdb -spec entries.json [-built RFC3339] -out DIR")
	}
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	var entries []entry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	buildTime := time.Now().UTC().Round(time.Second)
	if builtAt != "" {
		if buildTime, err = time.Parse(time.RFC3339, builtAt); err != nil {
			return fmt.Errorf("-built: %w", err)
		}
	}
	dir, err := os.MkdirTemp(out, ".build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	state := provider.State{Provider: "debian", Version: 1, Processor: "image-tooling grype-testdb", Timestamp: buildTime}
	w, err := v6build.NewWriter(dir, provider.States{state}, false, 0)
	if err != nil {
		return err
	}
	prov := provider.Model(state)
	for _, e := range entries {
		osName, osVersion, _ := strings.Cut(e.OS, ":")
		vuln := v6.VulnerabilityHandle{
			Name:          e.ID,
			ProviderID:    prov.ID,
			Provider:      prov,
			Status:        v6.VulnerabilityActive,
			PublishedDate: &buildTime,
			ModifiedDate:  &buildTime,
			BlobValue: &v6.VulnerabilityBlob{
				ID:          e.ID,
				Description: e.Description,
				Severities:  []v6.Severity{{Scheme: v6.SeveritySchemeCHMLN, Value: strings.ToLower(e.Severity), Rank: 1}},
			},
		}
		fix := &v6.Fix{State: v6.NotFixedStatus}
		if e.Fixed != "" {
			fix = &v6.Fix{State: v6.FixedStatus, Version: e.Fixed}
		}
		versionType := e.VersionType
		if versionType == "" {
			versionType = "dpkg"
		}
		affected := v6.AffectedPackageHandle{
			Package: &v6.Package{Ecosystem: e.Ecosystem, Name: e.Package},
			BlobValue: &v6.PackageBlob{
				CVEs:   []string{e.ID},
				Ranges: []v6.Range{{Version: v6.Version{Type: versionType, Constraint: e.Constraint}, Fix: fix}},
			},
		}
		// Distribution packages belong to an OS release; language packages (a Go module, stdlib) to none.
		if e.OS != "" {
			// The codename as grype's own Debian transformer records it: grype matches an SBOM whose distro
			// names one (syft's JSON does: VERSION_CODENAME) by codename.
			affected.OperatingSystem = &v6.OperatingSystem{Name: osName, ReleaseID: osName, MajorVersion: osVersion, Codename: e.Codename}
		}
		if err := w.Write(transformers.NewEntries(vuln, affected)...); err != nil {
			return fmt.Errorf("%s: %w", e.ID, err)
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	// The writer stamps "now"; a test of a stale database needs an older build time.
	if err := setBuildTime(dir, buildTime); err != nil {
		return err
	}
	if _, err := v6.WriteImportMetadata(afero.NewOsFs(), dir, "image-tooling grype-testdb"); err != nil {
		return err
	}
	if err := v6build.CreateArchive(dir, "tar.gz", nil); err != nil {
		return err
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "vulnerability-db_*.tar.gz"))
	if len(matches) != 1 {
		return fmt.Errorf("expected one archive in %s, found %v", dir, matches)
	}
	return os.Rename(matches[0], filepath.Join(out, "vulnerability-db.tar.gz"))
}

func setBuildTime(dir string, t time.Time) error {
	db, err := v6.NewLowLevelDB(filepath.Join(dir, v6.VulnerabilityDBFileName), false, true, false)
	if err != nil {
		return err
	}
	if err := db.Model(&v6.DBMetadata{}).Where("true").Update("build_timestamp", t).Error; err != nil {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}
