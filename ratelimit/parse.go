package ratelimit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseTiers returns DefaultTiers with the tiers of spec added, a tier of spec replacing
// the built-in tier of the same name as a whole. A blank spec keeps the defaults. The
// syntax (spaces around the separators are ignored):
//
//	spec   = tier *( ";" tier )
//	tier   = name "=" ( "unlimited" / group *( "," group ) )
//	group  = ( "requests" / "generations" ) ":" limit *( "+" limit )
//	limit  = quota "/" window
//	window = [ count ] unit        ; unit is s, m, h or d
//
// for example
//
//	free=requests:100/h+10/s,generations:20/h;pro=requests:10000/h+50/s,generations:2000/h;enterprise=unlimited
//
// A limit is named after its window ("second", "minute", "hour", "day", or count and unit
// such as "10m"), generation limits with a "generation-" prefix, so "generations:20/h"
// shows in the headers as "generation-hour". Two limits of one window in a tier are an
// error, and so is a tier without limits (write "unlimited" for that).
func ParseTiers(spec string) (map[string]Tier, error) {
	tiers := DefaultTiers()
	seen := map[string]bool{}
	for _, def := range strings.Split(spec, ";") {
		def = strings.TrimSpace(def)
		if def == "" {
			continue
		}
		t, err := parseTier(def)
		if err != nil {
			return nil, fmt.Errorf("rate-limit tiers: %w", err)
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("rate-limit tiers: tier %q is defined twice", t.Name)
		}
		seen[t.Name] = true
		tiers[t.Name] = t
	}
	return tiers, nil
}

func parseTier(def string) (Tier, error) {
	name, body, ok := strings.Cut(def, "=")
	name, body = strings.TrimSpace(name), strings.TrimSpace(body)
	if !ok {
		return Tier{}, fmt.Errorf("%q: want name=limits, as in free=requests:100/h+10/s", def)
	}
	if err := validName(name); err != nil {
		return Tier{}, fmt.Errorf("tier name %q: %w", name, err)
	}
	t := Tier{Name: name}
	if body == "unlimited" {
		t.Unlimited = true
		return t, nil
	}
	if body == "" {
		return Tier{}, fmt.Errorf("tier %q has no limits (write %s=unlimited for none)", name, name)
	}
	for _, group := range strings.Split(body, ",") {
		kind, limits, ok := strings.Cut(strings.TrimSpace(group), ":")
		kind = strings.TrimSpace(kind)
		if kind == "unlimited" {
			return Tier{}, fmt.Errorf("tier %q: unlimited cannot be combined with limits", name)
		}
		if !ok {
			return Tier{}, fmt.Errorf("tier %q: %q: want requests:LIMITS or generations:LIMITS", name, strings.TrimSpace(group))
		}
		var dst *[]Policy
		prefix := ""
		switch kind {
		case "requests":
			dst = &t.Requests
		case "generations":
			dst, prefix = &t.Generations, "generation-"
		default:
			return Tier{}, fmt.Errorf("tier %q: unknown group %q (want requests or generations)", name, kind)
		}
		if *dst != nil {
			return Tier{}, fmt.Errorf("tier %q: %s is given twice (join its limits with '+')", name, kind)
		}
		*dst = []Policy{}
		for _, limit := range strings.Split(limits, "+") {
			p, err := parseLimit(strings.TrimSpace(limit), prefix)
			if err != nil {
				return Tier{}, fmt.Errorf("tier %q: %s: %w", name, kind, err)
			}
			*dst = append(*dst, p)
		}
	}
	if err := t.Validate(); err != nil {
		return Tier{}, err
	}
	return t, nil
}

// maxWindow keeps windows, in nanoseconds, far from overflowing.
const maxWindow = 366 * 24 * time.Hour

// maxQuota keeps Window/Quota, the refill interval, far from zero nanoseconds.
const maxQuota = 1_000_000_000

var units = map[string]struct {
	d    time.Duration
	name string
}{
	"s": {time.Second, "second"},
	"m": {time.Minute, "minute"},
	"h": {time.Hour, "hour"},
	"d": {24 * time.Hour, "day"},
}

func parseLimit(s, prefix string) (Policy, error) {
	q, w, ok := strings.Cut(s, "/")
	q, w = strings.TrimSpace(q), strings.TrimSpace(w)
	if !ok {
		return Policy{}, fmt.Errorf("%q: want QUOTA/WINDOW, as in 100/h", s)
	}
	quota, err := strconv.Atoi(q)
	if err != nil || quota < 1 || quota > maxQuota {
		return Policy{}, fmt.Errorf("%q: quota %q is not a whole number from 1 to %d", s, q, maxQuota)
	}
	i := strings.IndexFunc(w, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		return Policy{}, fmt.Errorf("%q: window %q has no unit (use s, m, h or d)", s, w)
	}
	count := 1
	if i > 0 {
		count, err = strconv.Atoi(w[:i])
		if err != nil || count < 1 {
			return Policy{}, fmt.Errorf("%q: window count %q is not a whole number above 0", s, w[:i])
		}
	}
	u, ok := units[w[i:]]
	if !ok {
		return Policy{}, fmt.Errorf("%q: unknown window unit %q (use s, m, h or d)", s, w[i:])
	}
	if count > int(maxWindow/u.d) {
		return Policy{}, fmt.Errorf("%q: window %q is longer than 366 days", s, w)
	}
	name := u.name
	if count != 1 {
		name = strconv.Itoa(count) + w[i:]
	}
	return Policy{Name: prefix + name, Quota: quota, Window: time.Duration(count) * u.d}, nil
}
