package worldgen

import "testing"

func TestDeriveSeparatesStreams(t *testing.T) {
	seen := map[uint64]string{}
	for _, label := range []string{"region", "regions", "faction"} {
		for i := range 5 {
			v := derive(1, label, i).Uint64()
			if prev, ok := seen[v]; ok {
				t.Errorf("%s/%d starts like %s", label, i, prev)
			}
			seen[v] = label
		}
	}
	if derive(1, "region", 0).Uint64() == derive(2, "region", 0).Uint64() {
		t.Error("different parents gave the same stream")
	}
}

func TestWorldSeedSeparatesFields(t *testing.T) {
	a := worldSeed(1, "fantasy", "grim", "small", "")
	b := worldSeed(1, "fantasy", "grimsmall", "", "")
	if a == b {
		t.Error(`("grim", "small") and ("grimsmall", "") hash alike`)
	}
}
