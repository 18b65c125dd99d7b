package opencable

import "strings"

// DatasetCommit is the release of the Open Undersea Cable Map repository
// that Lifeline is tested with: the last openly licensed TeleGeography data.
const DatasetCommit = "e7903491e73bcac0d0b013b945897d10928483c4"

// DatasetURL is where "lifeline atlas fetch" downloads the dataset from: the
// repository's source archive at DatasetCommit.
const DatasetURL = "https://codeload.github.com/stevesong/open_undersea_cable_map/tar.gz/" + DatasetCommit

// Keep selects the files of the repository archive that Read needs: the
// cable files, the landing point collection and the licence. Per-landing-point
// files are not needed (the collection holds the same points).
func Keep(name string) (string, bool) {
	switch {
	case name == LandingPointFile, name == "LICENSE":
		return name, true
	case strings.HasPrefix(name, CableDir+"/") && strings.HasSuffix(name, ".json") && !strings.Contains(name[len(CableDir)+1:], "/"):
		return name, true
	}
	return "", false
}
