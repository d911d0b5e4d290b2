// Command eval-dialogue scores the offline dialogue engine on its evaluation set
// (local/dialogue/evalset): fit per kind of line, deflections on lines the lore answers,
// lore and memory use, repetition and grammar problems. It exits 1 when any reply has a
// grammar problem or the fit falls under -min-fit, so CI can guard against regressions.
//
//	go run ./cmd/eval-dialogue [-v] [-markdown] [-kind greeting] [-min-fit 0.85] [-max-deflect 0.05]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/troupe-ai/troupe/local/dialogue"
	"github.com/troupe-ai/troupe/local/dialogue/evalset"
)

func main() {
	verbose := flag.Bool("v", false, "print every exchange, not only the misses")
	kind := flag.String("kind", "", "only lines of this kind")
	minFit := flag.Float64("min-fit", evalset.MinFit, "fail when the fit is below this share")
	maxDeflect := flag.Float64("max-deflect", evalset.MaxDeflection, "fail when deflections on lore lines exceed this share")
	markdown := flag.Bool("markdown", false, "print the per-kind table as Markdown, then the totals")
	flag.Parse()

	set, err := evalset.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if *kind != "" {
		var keep []evalset.Case
		for _, c := range set.Cases {
			if c.Kind == *kind {
				keep = append(keep, c)
			}
		}
		set.Cases = keep
	}
	e, err := dialogue.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	rep, err := evalset.Run(context.Background(), e, set)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("offline dialogue engine %s/%s, language %s\n\n", dialogue.EngineName, dialogue.ModelName, dialogue.Language)
	if *markdown {
		rep.Markdown(os.Stdout)
		fmt.Println()
	}
	rep.Print(os.Stdout, *verbose)
	t := &rep.Total
	failed := false
	if t.Grammar > 0 {
		fmt.Printf("FAIL: %d replies with grammar problems\n", t.Grammar)
		failed = true
	}
	if t.FitRate() < *minFit {
		fmt.Printf("FAIL: fit %.1f %% is below the floor of %.1f %%\n", 100*t.FitRate(), 100**minFit)
		failed = true
	}
	if t.DeflectionRate() > *maxDeflect {
		fmt.Printf("FAIL: deflections %.1f %% exceed %.1f %%\n", 100*t.DeflectionRate(), 100**maxDeflect)
		failed = true
	}
	if failed {
		os.Exit(1)
	}
	fmt.Println("PASS:", rep.Summary())
}
