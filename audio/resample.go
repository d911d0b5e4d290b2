package audio

import (
	"math"
	"sync"
)

// The resampler is a windowed-sinc interpolator (the band-limited interpolation of
// Smith and Gossett, as in libresample): each output sample is a weighted sum of the
// input samples within kernelZeros zero crossings of the ideal low-pass filter on either
// side, the weights read from a table with linear interpolation. Unlike linear
// interpolation it does not fold the 8–22 kHz band of a 44.1 kHz recording down onto
// the speech band when decimating to 16 kHz. It uses only float64 arithmetic in a fixed
// order, so its output is the same on every run.
const (
	// kernelZeros is the half-width of the kernel in zero crossings; more is sharper
	// and slower. 10 gives a transition band of about 10 % of the output's Nyquist
	// frequency.
	kernelZeros = 10
	// tableSteps is the table's resolution per zero crossing.
	tableSteps = 512
	// passband is the cutoff as a fraction of the lower Nyquist frequency, leaving room
	// for the transition band below it.
	passband = 0.92
	// kaiserBeta shapes the window: about 80 dB of stop-band attenuation.
	kaiserBeta = 8.0
)

// kernel is the windowed sinc sampled at tableSteps per zero crossing, from 0 to
// kernelZeros.
var kernel = sync.OnceValue(func() []float64 {
	n := kernelZeros*tableSteps + 2
	k := make([]float64, n)
	i0b := besselI0(kaiserBeta)
	for i := range k {
		u := float64(i) / tableSteps
		if u > kernelZeros {
			break
		}
		sinc := 1.0
		if u != 0 {
			sinc = math.Sin(math.Pi*u) / (math.Pi * u)
		}
		r := u / kernelZeros
		k[i] = sinc * besselI0(kaiserBeta*math.Sqrt(1-r*r)) / i0b
	}
	return k
})

// besselI0 is the modified Bessel function of the first kind, order 0 (its power series).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < sum*1e-16 {
			break
		}
	}
	return sum
}

// Resample converts x from rate from to rate to. The output has floor(len·to/from)
// samples. Near the ends, where the kernel runs off the input, the weights are
// normalised by their sum so a constant signal stays constant to the last sample. A rate
// that is not positive gives nil. The output is a new slice, never x.
func Resample(x []float32, from, to int) []float32 {
	if from <= 0 || to <= 0 {
		return nil
	}
	if from == to {
		return append([]float32(nil), x...)
	}
	k := kernel()
	// cutoff is the filter's cutoff in cycles per input sample, ×2 (1 is the input's
	// Nyquist frequency): below the lower of the two Nyquist frequencies.
	cutoff := passband * math.Min(1, float64(to)/float64(from))
	reach := float64(kernelZeros) / cutoff // kernel half-width in input samples
	n := int(int64(len(x)) * int64(to) / int64(from))
	out := make([]float32, n)
	step := float64(from) / float64(to)
	for j := range n {
		t := float64(j) * step // exact for j·from < 2^53
		lo := max(0, int(math.Ceil(t-reach)))
		hi := min(len(x)-1, int(math.Floor(t+reach)))
		var sum, wsum float64
		for i := lo; i <= hi; i++ {
			u := math.Abs(t-float64(i)) * cutoff * tableSteps
			idx := int(u)
			if idx >= len(k)-1 {
				continue
			}
			frac := u - float64(idx)
			w := k[idx] + frac*(k[idx+1]-k[idx])
			sum += w * float64(x[i])
			wsum += w
		}
		if wsum != 0 {
			out[j] = float32(sum / wsum)
		}
	}
	return out
}

// ToInt16 quantises samples in [-1, 1] to 16 bits, rounding to nearest and clipping.
func ToInt16(x []float32) []int16 {
	out := make([]int16, len(x))
	for i, v := range x {
		s := math.Round(float64(v) * 32767)
		out[i] = int16(max(-32768, min(32767, s)))
	}
	return out
}
