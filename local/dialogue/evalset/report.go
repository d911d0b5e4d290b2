package evalset

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// pct formats n of d as a percentage, or "-" when d is 0.
func pct(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f %%", 100*float64(n)/float64(d))
}

// FitRate is the share of lines whose reply fits.
func (t *Tally) FitRate() float64 {
	if t.Lines == 0 {
		return 0
	}
	return float64(t.Fit) / float64(t.Lines)
}

// DeflectionRate is the share of lore-answerable lines that got a deflection.
func (t *Tally) DeflectionRate() float64 {
	if t.LoreLines == 0 {
		return 0
	}
	return float64(t.Deflected) / float64(t.LoreLines)
}

// Print writes the per-kind table and the totals; with verbose set, every exchange, and
// otherwise the replies that do not fit.
func (r *Report) Print(w io.Writer, verbose bool) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tlines\tfit\tdeflected (lore lines)\tlore used\tmemory\trepeated\tgrammar\t")
	row := func(name string, t *Tally) {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t\n", name, t.Lines, pct(t.Fit, t.Lines),
			pct(t.Deflected, t.LoreLines), pct(t.LoreUsedOnLore, t.LoreLines), pct(t.MemoryFit, t.MemoryLines), t.Repeated, t.Grammar)
	}
	for _, k := range r.Kinds {
		row(k, r.ByKind[k])
	}
	row("total", &r.Total)
	tw.Flush()
	t := &r.Total
	fmt.Fprintf(w, "\nlines %d, characters %d, kinds %d\n", t.Lines, r.characters(), len(r.Kinds))
	fmt.Fprintf(w, "fit %s (%d/%d)\n", pct(t.Fit, t.Lines), t.Fit, t.Lines)
	fmt.Fprintf(w, "deflections on lines the lore or world answers %s (%d/%d)\n", pct(t.Deflected, t.LoreLines), t.Deflected, t.LoreLines)
	fmt.Fprintf(w, "lore used: %s of lore lines, %d of %d replies in all\n", pct(t.LoreUsedOnLore, t.LoreLines), t.LoreUsedAll, t.Lines)
	fmt.Fprintf(w, "memory lines answered from memory %s (%d/%d)\n", pct(t.MemoryFit, t.MemoryLines), t.MemoryFit, t.MemoryLines)
	fmt.Fprintf(w, "emotion as expected %s (%d/%d)\n", pct(t.EmotionRight, t.EmotionLines), t.EmotionRight, t.EmotionLines)
	fmt.Fprintf(w, "repeated replies %d, replies with grammar problems %d\n", t.Repeated, t.Grammar)
	per := time.Duration(0)
	if t.Lines > 0 {
		per = r.EngineTime / time.Duration(t.Lines)
	}
	fmt.Fprintf(w, "engine time %v in all, %v per line (single run; see the Go benchmark for a stable figure)\n", r.EngineTime.Round(time.Microsecond), per.Round(time.Microsecond))
	fmt.Fprintln(w)
	for _, res := range r.Results {
		if verbose || !res.Fit || len(res.Grammar) > 0 {
			mark := "ok  "
			if !res.Fit {
				mark = "MISS"
			}
			fmt.Fprintf(w, "%s [%s] %s: %q\n     → %q\n", mark, res.Case.Kind, res.Character, res.Case.Line, res.Reply)
			if res.Why != "" {
				fmt.Fprintf(w, "     (%s)\n", res.Why)
			}
		}
	}
}

func (r *Report) characters() int {
	seen := map[string]bool{}
	for _, res := range r.Results {
		seen[res.Character] = true
	}
	return len(seen)
}

// Summary is a one-line summary of the report.
func (r *Report) Summary() string {
	t := &r.Total
	return strings.Join([]string{
		"fit " + pct(t.Fit, t.Lines),
		"deflections " + pct(t.Deflected, t.LoreLines),
		fmt.Sprintf("grammar problems %d", t.Grammar),
	}, ", ")
}

// Markdown writes the per-kind table and the totals as a Markdown table.
func (r *Report) Markdown(w io.Writer) {
	fmt.Fprintln(w, "| kind | lines | fit | deflected (lore lines) | lore used (lore lines) | memory | repeated | grammar |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	row := func(name string, t *Tally) {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %d | %d |\n", name, t.Lines, pct(t.Fit, t.Lines),
			pct(t.Deflected, t.LoreLines), pct(t.LoreUsedOnLore, t.LoreLines), pct(t.MemoryFit, t.MemoryLines), t.Repeated, t.Grammar)
	}
	for _, k := range r.Kinds {
		row(k, r.ByKind[k])
	}
	row("**total**", &r.Total)
}
