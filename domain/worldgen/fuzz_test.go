package worldgen

import (
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func FuzzGenerate(f *testing.F) {
	f.Add(int64(0), uint8(0), uint8(0), uint8(0), "")
	f.Add(int64(-1), uint8(1), uint8(2), uint8(1), "The Hollow Crown")
	f.Add(domain.MaxWorldSeed, uint8(3), uint8(3), uint8(2), "{region}")
	f.Add(int64(1)<<62, uint8(2), uint8(1), uint8(0), "  a  ")
	g := newGenerator(f)
	f.Fuzz(func(t *testing.T, seed int64, genre, tone, size uint8, name string) {
		if seed < 0 {
			seed = -(seed + 1)
		}
		seed %= domain.MaxWorldSeed + 1
		p := domain.WorldParams{
			Name:  name,
			Genre: domain.Genres[int(genre)%len(domain.Genres)],
			Tone:  domain.Tones[int(tone)%len(domain.Tones)],
			Size:  domain.WorldSizes[int(size)%len(domain.WorldSizes)],
		}
		c := g.Generate(seed, p)
		for _, msg := range problems(c, p) {
			t.Errorf("seed %d, %+v: %s", seed, p, msg)
		}
	})
}
