package dialogue

import "strings"

// service is something a role does for people: the innkeeper rents rooms, the smith
// mends blades, the guard gives orders. A line asking for it is answered by the role that
// provides it as the one who does it (symbol "<role>:svc-<name>"), and by any other role
// by sending the player to whoever does ("talk:not-my-trade").
type service struct {
	name      string
	phrases   []conceptPhrase
	providers []string // the roles that provide it, the first the usual one
	provider  string   // who to send a player to, with its article
}

// serviceTable lists the services in the order they are tried: the more specific first,
// so "mend my sword" is a repair before it is a sword.
var serviceTable = []struct {
	name, phrases, providers, provider string
}{
	{"room", "a room, room for the night, rooms, a bed, beds, stay the night, place to sleep, somewhere to sleep, lodging*, rent a room, " +
		"spend the night here, sleep here, stay here, bunk", "innkeeper", "an innkeeper"},
	{"meal", "a drink, an ale, ale, beer, wine, mead, a meal, food, something to eat, hungry, thirsty, supper, dinner, breakfast, " +
		"stew, bread, a pint, a mug, a cup of, bite to eat, starving, cooking, what's cooking, eat, meal, meals, hot meal, something hot, a bite, a bowl", "innkeeper farmer", "the inn"},
	{"repair", "broke, broken, cracked, snapped, bent, repair*, mend*, fix my, fix this, fix it, sharpen*, whetstone, dented, broken sword, broken blade, notched, reforge, " +
		"patch my, straighten", "blacksmith engineer", "a smith"},
	{"heal", "fever, cough, sick, heal me, heal my, heal this, heal it, healing, cure*, potion*, remed*, medicine*, herb*, salve*, bandage*, poultice, tonic, antidote", "healer priest", "a healer"},
	{"orders", "an order, give me an order, orders for me, orders, my orders, report for, reporting, reporting for duty, duty, assignment, patrol*, on watch, stand guard, " +
		"where do you need me, what should i do, put me to work, sign me up for the watch, your command, " +
		"join the watch, join the guard, join your men", "guard mercenary", "the watch"},
	{"law", "the law, law, laws, legal, illegal, allowed, permitted, curfew, a permit", "guard noble", "the watch"},
	{"entry", "let me in, let me through, let me pass, open the gate, papers, permit, entry, enter the city, enter the town, " +
		"pass through, the gate", "guard", "the gate guards"},
	{"forge", "blade, sword, longsword*, broadsword*, shortsword*, greatsword*, new blade, new sword, forge me, make me a, craft me, forge a, horseshoe*, a sword, swords, a blade, blades, an axe, axes, a dagger, " +
		"a shield, armor, armour, a spear, chainmail, a helmet, nails, steel, iron, breastplate*, gauntlet*, helm, helmet, greaves, " +
		"mail shirt, plate armour, plate armor, hauberk, shoe my, shoe a horse, shoe the horse, shoe her, shoe him, shoe it, threw a shoe, lost a shoe, new shoes, shod, spearhead*, arrowhead*", "blacksmith", "a smith"},
	{"bless", "bless*, pray*, prayer*, absolution, confession, last rites, the gods, a god, offering, sermon", "priest healer", "a priest"},
	{"song", "song, songs, sing, sing me, play me, a tune, music, ballad, poem, verse, perform", "bard", "a bard"},
	{"research", "translate, read this, a map, the map, maps, library, records, look into, research, old texts, scroll*, " +
		"decipher, ancient writing, rune*", "scholar", "a scholar"},
	{"hire", "hire you, hire your, your sword, your blade, protection, bodyguard, escort*, sword arm, guard my caravan, " +
		"guard me", "mercenary guard", "a sellsword"},
	{"hunt", "tracking, track it, track them, pelts, furs, hides, fresh meat, game meat, venison, go hunting, hunt for, traps", "hunter", "a hunter"},
	{"lock", "get me into, get into, the vault, a vault, pick a lock, lockpick*, a lock, fence this, break in, steal something, steal for me, get inside", "thief", "someone less honest than me"},
	{"machine", "machine*, contraption*, mechanism*, clockwork, build me, a pump, gears, a crane, a mill wheel", "engineer", "an engineer"},
	{"produce", "crops, harvest, grain, seeds, eggs, milk, vegetables, apples, flour, cheese", "farmer", "a farmer"},
	{"audience", "an audience, petition*, my taxes, a title, land grant, the estate, your lordship, your ladyship", "noble", "someone of rank"},
	{"goods", "rope, lantern, a lamp, a torch, supplies, provisions, wares, oil, blankets, a pack", "merchant", "a merchant"},
}

// services is serviceTable parsed.
var services = func() []service {
	var out []service
	for _, s := range serviceTable {
		sv := service{name: s.name, providers: strings.Fields(s.providers), provider: s.provider}
		for _, p := range strings.Split(s.phrases, ",") {
			if w := strings.Fields(p); len(w) > 0 {
				sv.phrases = append(sv.phrases, conceptPhrase{words: w})
			}
		}
		out = append(out, sv)
	}
	return out
}()

// findService returns the service the line asks of role, preferring one the role itself
// provides; nil when it asks for none.
func findService(toks []token, role string) *service {
	var first *service
	for i := range services {
		sv := &services[i]
		if !hasPhrase(toks, sv.phrases) {
			continue
		}
		if provides(sv, role) {
			return sv
		}
		if first == nil {
			first = sv
		}
	}
	return first
}

// provides reports whether role provides the service.
func provides(sv *service, role string) bool {
	for _, p := range sv.providers {
		if p == role {
			return true
		}
	}
	return false
}

// hasPhrase reports whether any of phrases occurs in toks.
func hasPhrase(toks []token, phrases []conceptPhrase) bool {
	for i := range toks {
		for _, p := range phrases {
			if len(p.words) > len(toks)-i {
				continue
			}
			ok := true
			for j, w := range p.words {
				if !matchWord(w, toks[i+j].word) {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}
