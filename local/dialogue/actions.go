package dialogue

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// actionJSON is an action the local engine proposes in a reaction's "actions".
type actionJSON struct {
	Name      string         `json:"name"`
	Arguments map[string]any `json:"arguments"`
	Reason    string         `json:"reason"`
}

// actionVerbs are the requests that call for an action whose name begins with the key
// ("open the gate" for open_gate or open_door). A request counts only as one: at the start
// of a sentence (after "please", a greeting or a name), or after "can you", "could you",
// "will you", "would you", "I want you to" or "I need you to"; "Is the shop open?" and "I
// don't follow" ask for nothing.
var actionVerbs = map[string][]string{
	"give":   {"give me", "give us", "hand me", "sell me", "i'll buy", "i will buy", "i want to buy", "i'd like to buy", "can i buy", "i'll take", "i will take"},
	"sell":   {"sell me", "i'll buy", "i will buy", "i want to buy", "i'd like to buy", "can i buy"},
	"trade":  {"trade", "trade me", "swap"},
	"open":   {"open", "unlock", "let me in", "let me through"},
	"close":  {"close", "shut", "lock"},
	"attack": {"attack", "get them", "get him", "get her", "kill them", "kill him", "kill her"},
	"follow": {"follow me", "come with me", "come along"},
	"heal":   {"heal", "cure", "treat", "patch me up"},
	"flee":   {"run", "flee", "hide"},
	"show":   {"show me", "lead me", "take me to"},
	"call":   {"call", "fetch", "summon"},
}

// requestLead is what may come before a request in its sentence.
var requestLead = regexp.MustCompile(`(?i)^(?:(?:please|ok|okay|now|quick|quickly|hey|hi|hello|well|so|and|then|listen|look)[ ,!]+|[\p{L}'-]+, )*$|(?:can|could|will|would) you (?:please )?$|i (?:want|need) you to $|please $`)

// requested reports whether sentence (lower case) asks for phrase as a request.
func requested(sentence, phrase string) bool {
	return wordAt(sentence, phrase, func(i int) bool { return requestLead.MatchString(sentence[:i]) })
}

// paying is what a line offering payment says: coin for a sword calls for giving it.
var paying = regexp.MustCompile(`(?i)\b(\d+\s+)?(gold|coins?|silver|copper|crowns?|pay|paid|payment|money)\b`)

// negated finds a negation in a sentence: "I don't want a sword" offers nothing.
var negated = regexp.MustCompile(`(?i)\b(not|no|never|don't|do not|won't|can't|cannot|didn't)\b`)

// articled finds the noun after an article or possessive: "a sword", "the north gate".
var articled = regexp.MustCompile(`(?i)\b(?:a|an|the|your|my|some|that|this|one)\s+([a-z][a-z'-]*(?:\s+(?:gate|door|sword|shield|axe|bow|potion|key|room)\b)?)`)

var firstNumber = regexp.MustCompile(`\b\d+(?:\.\d+)?\b`)

// proposeActions is the local engine's choice of actions for answering sc.Line: an action
// is proposed when a sentence of the line asks for it (see actionVerbs), or offers coin
// for an action that gives; never after a negation, and only with every required argument
// filled from that sentence: an enum value it names, the noun after an article, the
// speaker for a target, the first number.
func proposeActions(sc *domain.Scene) []actionJSON {
	var out []actionJSON
	for _, a := range sc.Actions {
		verb, _, _ := strings.Cut(a.Name, "_")
		for _, sentence := range sentencesOf(sc.Line) {
			low := strings.ToLower(strings.TrimSpace(sentence))
			if negated.MatchString(low) {
				continue
			}
			cue := ""
			for _, w := range append([]string{verb}, actionVerbs[verb]...) {
				if requested(low, w) {
					cue = w
					break
				}
			}
			if cue == "" && (verb == "give" || verb == "sell" || verb == "trade") && paying.MatchString(sentence) {
				cue = "payment"
			}
			if cue == "" {
				continue
			}
			args, ok := fillArguments(a, sentence, sc.Speaker)
			if !ok {
				continue
			}
			out = append(out, actionJSON{Name: a.Name, Arguments: args, Reason: actionReason(cue, sc)})
			break
		}
		if len(out) == 3 {
			break
		}
	}
	return out
}

// sentencesOf splits a line at sentence ends.
func sentencesOf(line string) []string {
	var out []string
	start := 0
	for i, r := range line {
		if r == '.' || r == '!' || r == '?' || r == ';' {
			if s := strings.TrimSpace(line[start : i+1]); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(line[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

func actionReason(cue string, sc *domain.Scene) string {
	who := strings.TrimSpace(sc.Speaker)
	if who == "" {
		who = "The player"
	}
	if cue == "payment" {
		return who + " offered payment: " + strconv.Quote(clipLine(sc.Line))
	}
	return who + " asked for it: " + strconv.Quote(clipLine(sc.Line))
}

func clipLine(s string) string {
	if r := []rune(strings.TrimSpace(s)); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return strings.TrimSpace(s)
}

// fillArguments fills the action's parameters from a sentence said by speaker; ok is
// false when a required one cannot be.
func fillArguments(a domain.ActionSpec, sentence, speaker string) (map[string]any, bool) {
	low := strings.ToLower(sentence)
	args := map[string]any{}
	for _, p := range a.Params {
		var v any
		switch {
		case p.Type == domain.ParamString && len(p.Enum) > 0:
			for _, e := range p.Enum {
				if containsWord(low, strings.ToLower(strings.ReplaceAll(e, "_", " "))) {
					v = e
					break
				}
			}
		case p.Type == domain.ParamString && (p.Name == "target" || p.Name == "who" || p.Name == "player"):
			if s := strings.TrimSpace(speaker); s != "" {
				v = s
			}
		case p.Type == domain.ParamString:
			if m := articled.FindAllStringSubmatch(sentence, -1); len(m) > 0 {
				// The last noun named is the one asked for: "here's gold for a sword".
				v = strings.ToLower(m[len(m)-1][1])
			}
		case p.Type == domain.ParamNumber || p.Type == domain.ParamInteger:
			if m := firstNumber.FindString(sentence); m != "" {
				if f, err := strconv.ParseFloat(m, 64); err == nil {
					v = f
				}
			}
		}
		if v == nil {
			if slices.Contains(a.Required, p.Name) {
				return nil, false
			}
			continue
		}
		args[p.Name] = v
	}
	return args, true
}

// withActions adds the proposed actions to a reaction's JSON answer.
func withActions(reaction string, actions []actionJSON) (string, error) {
	var r reactionJSON
	if err := json.Unmarshal([]byte(reaction), &r); err != nil {
		return "", err
	}
	r.Actions = actions
	if r.Actions == nil {
		r.Actions = []actionJSON{}
	}
	return marshal(r)
}

// acknowledge is what a character says of the first action it takes as it speaks, so the
// line agrees with what the game shows: "Here, the sword is yours." for give_item with
// an item. An action it has no words for gets none.
func acknowledge(doing []domain.Action) string {
	if len(doing) == 0 {
		return ""
	}
	a := doing[0]
	verb, _, _ := strings.Cut(a.Name, "_")
	thing := ""
	for _, k := range []string{"item", "door", "gate", "thing", "object"} {
		if v, ok := a.Arguments[k].(string); ok && v != "" {
			thing = v
			break
		}
	}
	switch {
	case (verb == "give" || verb == "sell" || verb == "trade" || verb == "hand") && thing != "":
		return "Here, the " + thing + " is yours."
	case verb == "open" && thing != "":
		return "I'll open the " + thing + " for you."
	case verb == "follow":
		return "Lead the way, I'm right behind you."
	case verb == "attack":
		return "You asked for this."
	case verb == "heal":
		return "Hold still, let me see to that."
	}
	return ""
}
