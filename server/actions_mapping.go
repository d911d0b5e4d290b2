package server

import (
	"slices"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// fromCatalogue maps a request's action catalogue; a nil one is none. Parameters come in
// name order, since JSON objects have none.
func fromCatalogue(c *gen.ActionCatalogue) []domain.ActionSpec {
	if c == nil {
		return nil
	}
	out := make([]domain.ActionSpec, len(*c))
	for i, a := range *c {
		spec := domain.ActionSpec{Name: a.Name, Description: deref(a.Description)}
		if p := a.Parameters; p != nil {
			if p.Properties != nil {
				names := make([]string, 0, len(*p.Properties))
				for name := range *p.Properties {
					names = append(names, name)
				}
				slices.Sort(names)
				for _, name := range names {
					prop := (*p.Properties)[name]
					param := domain.ActionParam{Name: name, Type: domain.ActionParamType(prop.Type), Description: deref(prop.Description)}
					if prop.Enum != nil {
						param.Enum = *prop.Enum
					}
					spec.Params = append(spec.Params, param)
				}
			}
			if p.Required != nil {
				spec.Required = *p.Required
			}
		}
		out[i] = spec
	}
	return out
}

// toCatalogue maps a character's catalogue back to the shape it was declared in.
func toCatalogue(specs []domain.ActionSpec) gen.ActionCatalogue {
	out := make(gen.ActionCatalogue, len(specs))
	for i, a := range specs {
		props := make(map[string]gen.ActionParameter, len(a.Params))
		for _, p := range a.Params {
			prop := gen.ActionParameter{Type: gen.ActionParameterType(p.Type), Description: optional(p.Description)}
			if len(p.Enum) > 0 {
				prop.Enum = ptr(slices.Clone(p.Enum))
			}
			props[p.Name] = prop
		}
		object := gen.ActionParametersTypeObject
		params := &gen.ActionParameters{Type: &object, Properties: &props, Required: ptr(append([]string{}, a.Required...))}
		out[i] = gen.ActionSpec{Name: a.Name, Description: optional(a.Description), Parameters: params}
	}
	return out
}

func toAction(a domain.Action) gen.Action {
	return gen.Action{Name: a.Name, Arguments: nonNilArgs(a.Arguments), Reason: a.Reason}
}

func toRefusedAction(r domain.RefusedAction) gen.RefusedAction {
	return gen.RefusedAction{Name: r.Name, Arguments: nonNilArgs(r.Arguments), Problem: r.Problem}
}

func nonNilArgs(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
