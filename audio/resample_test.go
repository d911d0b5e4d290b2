package audio

import (
	"math"
	"slices"
	"testing"
)

// sine is n samples of a sine of freq Hz at rate, amplitude a.
func sine(n, rate int, freq, a float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(a * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return x
}

// rms is the root mean square of x[from:to].
func rms(x []float32, from, to int) float64 {
	var sum float64
	for _, v := range x[from:to] {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(to-from))
}

func TestResampleLength(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ n, from, to, want int }{
		{44100, 44100, 16000, 16000},
		{8000, 8000, 16000, 16000},
		{22050, 22050, 16000, 16000},
		{1, 48000, 16000, 0},
		{0, 8000, 16000, 0},
		{12345, 16000, 16000, 12345},
	} {
		if got := len(Resample(make([]float32, tc.n), tc.from, tc.to)); got != tc.want {
			t.Errorf("%d samples %d→%d Hz: %d, want %d", tc.n, tc.from, tc.to, got, tc.want)
		}
	}
}

func TestResampleIdentity(t *testing.T) {
	t.Parallel()
	x := sine(1000, 16000, 440, 0.5)
	y := Resample(x, 16000, 16000)
	if !slices.Equal(x, y) {
		t.Error("16 kHz to 16 kHz changed the samples")
	}
	y[0] = 9
	if x[0] == 9 {
		t.Error("the output aliases the input")
	}
}

// TestResampleDC: a constant stays constant, edges included (weights are normalised).
func TestResampleDC(t *testing.T) {
	t.Parallel()
	for _, from := range []int{8000, 11025, 22050, 44100, 48000} {
		x := make([]float32, from/10)
		for i := range x {
			x[i] = 0.5
		}
		for i, v := range Resample(x, from, 16000) {
			if math.Abs(float64(v)-0.5) > 1e-4 {
				t.Errorf("%d Hz: sample %d is %v, want 0.5", from, i, v)
				break
			}
		}
	}
}

// TestResamplePassband: a 1 kHz tone keeps its amplitude and frequency.
func TestResamplePassband(t *testing.T) {
	t.Parallel()
	for _, from := range []int{8000, 22050, 44100, 48000} {
		y := Resample(sine(from, from, 1000, 0.5), from, 16000)
		mid := y[1000 : len(y)-1000]
		if a := rms(mid, 0, len(mid)) * math.Sqrt2; math.Abs(a-0.5) > 0.01 {
			t.Errorf("%d Hz: 1 kHz amplitude %.4f, want 0.5", from, a)
		}
		crossings := 0
		for i := 1; i < len(mid); i++ {
			if (mid[i-1] < 0) != (mid[i] < 0) {
				crossings++
			}
		}
		// 2 crossings per cycle: 1000 Hz over len(mid)/16000 s.
		if want := 2 * 1000 * len(mid) / 16000; abs(crossings-want) > 2 {
			t.Errorf("%d Hz: %d zero crossings, want %d", from, crossings, want)
		}
	}
}

// TestResampleStopband: a 12 kHz tone at 44.1 kHz has no place at 16 kHz (Nyquist 8 kHz).
// Linear interpolation would fold it down to 4 kHz at about half its level; the
// windowed sinc removes it.
func TestResampleStopband(t *testing.T) {
	t.Parallel()
	y := Resample(sine(44100, 44100, 12000, 0.5), 44100, 16000)
	if r := rms(y, 1000, len(y)-1000); r > 0.5/math.Sqrt2/1000 {
		t.Errorf("12 kHz leaks through at RMS %.5f (more than −60 dB)", r)
	}
}

func TestResampleDeterministic(t *testing.T) {
	t.Parallel()
	x := sine(44100, 44100, 440, 0.3)
	if !slices.Equal(Resample(x, 44100, 16000), Resample(x, 44100, 16000)) {
		t.Error("two runs differ")
	}
}

func TestToInt16(t *testing.T) {
	t.Parallel()
	got := ToInt16([]float32{0, 0.5, -0.5, 1, -1, 2, -2, 1e-5})
	want := []int16{0, 16384, -16384, 32767, -32767, 32767, -32768, 0}
	if !slices.Equal(got, want) {
		t.Errorf("ToInt16 = %v, want %v", got, want)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
