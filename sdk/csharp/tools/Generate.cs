// Drives the pinned NSwag (npm nswag, its Win/ net462 libraries, run under mono) to write the
// Troupe C# client. It does what `NSwag.exe openapi2csclient` does with the options below,
// plus the one thing the CLI cannot: NSwag's naming hooks (IPropertyNameGenerator,
// IParameterNameGenerator, IEnumNameGenerator). Through them C# names become idiomatic
// (ContextMessages, characterId, DarkFantasy) while every JSON name stays snake_case, because
// NSwag always writes the wire name into [JsonProperty("context_messages")] and the URL/query
// code from the spec, never from the C# name.
//
// Usage: mono Generate.exe <openapi.yaml> <output.cs>
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NJsonSchema;
using NJsonSchema.CodeGeneration;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag;
using NSwag.CodeGeneration;
using NSwag.CodeGeneration.CSharp;

namespace Troupe.Tools
{
    static class Names
    {
        // "context_messages" -> "ContextMessages", "dialogue.delta" -> "DialogueDelta",
        // "image_url" -> "ImageUrl". Letters after a separator are upper-cased; the rest is kept.
        public static string Pascal(string name)
        {
            var sb = new StringBuilder(name.Length);
            var upper = true;
            foreach (var c in name)
            {
                if (c == '_' || c == '-' || c == '.' || c == ' ')
                {
                    upper = true;
                    continue;
                }
                if (!char.IsLetterOrDigit(c))
                    continue;
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            if (sb.Length == 0 || char.IsDigit(sb[0]))
                sb.Insert(0, '_');
            return sb.ToString();
        }

        public static string Camel(string name)
        {
            var p = Pascal(name);
            return p[0] == '_' ? p : char.ToLowerInvariant(p[0]) + p.Substring(1);
        }
    }

    // Property names: PascalCase. NSwag's own generator only upper-cases the first letter
    // (context_messages -> Context_messages).
    class PascalPropertyNameGenerator : IPropertyNameGenerator
    {
        public string Generate(JsonSchemaProperty property)
        {
            return Names.Pascal(property.Name);
        }
    }

    // Method parameters: camelCase (character_id -> characterId). NSwag's default generator
    // resolves $ref parameters, the request body's name and clashes; it keeps the spec name.
    class CamelParameterNameGenerator : IParameterNameGenerator
    {
        readonly DefaultParameterNameGenerator inner = new DefaultParameterNameGenerator();

        public string Generate(OpenApiParameter parameter, IEnumerable<OpenApiParameter> allParameters)
        {
            return Names.Camel(inner.Generate(parameter, allParameters));
        }
    }

    // Enum members: the spec's x-enumNames win (NSwag reads them before asking this); for an
    // enum without them, PascalCase the value (dark_fantasy -> DarkFantasy, not Dark_fantasy).
    class PascalEnumNameGenerator : IEnumNameGenerator
    {
        public string Generate(int index, string name, object value, JsonSchema schema)
        {
            return Names.Pascal(name ?? (value == null ? "Null" : value.ToString()));
        }
    }

    // NSwag's C# generator has no union type: for a schema `oneOf: [A, B, C]` it resolves the
    // union to its FIRST member (so A's class is emitted under the union's name and A itself
    // disappears), whether or not a `discriminator` is given. It understands tagged unions only
    // in the inheritance form: a base object carrying the `discriminator`, each member
    // `allOf: [base, ...]`, which it emits as `class A : Base` plus a JsonInheritanceConverter
    // that picks the subclass from the tag. The spec keeps the standard OpenAPI 3 form
    // (oneOf + discriminator, what TypeScript and Go want); for C# only, this rewrites each
    // such union in memory to the inheritance form before generating:
    //   * the union becomes an object with the discriminator property (and every other
    //     property all members share, e.g. sequence_number), hoisted out of the members;
    //   * each member gets `allOf: [union]`.
    // JSON is unchanged: the converter reads and writes the tag, members keep their fields.
    static class TaggedUnions
    {
        public static void Rewrite(OpenApiDocument document)
        {
            foreach (var entry in document.Components.Schemas)
            {
                var union = entry.Value;
                var discriminator = union.DiscriminatorObject;
                if (discriminator == null || union.OneOf.Count < 2 || union.Properties.Count > 0)
                    continue;
                var members = new List<JsonSchema>();
                foreach (var m in union.OneOf)
                {
                    if (!m.HasReference)
                        throw new InvalidOperationException("oneOf member of " + entry.Key + " must be a $ref");
                    members.Add(m.Reference);
                }

                // Properties every member declares with the same JSON type (or the same $ref)
                // move to the base.
                var shared = members[0].Properties.Keys
                    .Where(name => members.All(m => m.Properties.ContainsKey(name)
                        && m.Properties[name].Type == members[0].Properties[name].Type
                        && m.Properties[name].Reference == members[0].Properties[name].Reference))
                    .ToList();
                if (!shared.Contains(discriminator.PropertyName))
                    throw new InvalidOperationException(entry.Key + ": every member must declare " + discriminator.PropertyName);

                union.OneOf.Clear();
                union.Type = JsonObjectType.Object;
                foreach (var name in shared)
                {
                    var first = members[0].Properties[name];
                    var hoisted = new JsonSchemaProperty { Description = first.Description };
                    if (name == discriminator.PropertyName)
                        hoisted.Type = JsonObjectType.String; // each member's one-value enum becomes the tag
                    else
                    {
                        hoisted.Type = first.Type;
                        hoisted.Format = first.Format;
                        hoisted.Minimum = first.Minimum;
                        hoisted.Reference = first.Reference;
                    }
                    union.Properties[name] = hoisted;
                    if (members.All(m => m.RequiredProperties.Contains(name)))
                        union.RequiredProperties.Add(name);
                    foreach (var m in members)
                    {
                        m.Properties.Remove(name);
                        m.RequiredProperties.Remove(name);
                    }
                }
                foreach (var m in members)
                {
                    m.AllOf.Add(new JsonSchema { Reference = union });
                    if (m.Properties.Count == 0)
                    {
                        // NSwag skips a subclass with no own properties; give it an empty allOf part.
                        m.AllOf.Add(new JsonSchema { Type = JsonObjectType.Object });
                    }
                }
                Console.WriteLine("tagged union " + entry.Key + " (" + discriminator.PropertyName + "): "
                    + string.Join(", ", members.Select(m => FindName(document, m))) + " -> subclasses");
            }
        }

        static string FindName(OpenApiDocument document, JsonSchema schema)
        {
            foreach (var e in document.Components.Schemas)
                if (e.Value == schema)
                    return e.Key;
            return "?";
        }
    }

    static class Program
    {
        // NSwag handles one request content type per operation. Given two (createTranscription
        // accepts multipart/form-data or application/json) it emits a method that JSON-encodes
        // the multipart schema into a body labelled multipart/form-data, which no server can
        // read; with multipart alone it makes every optional form field mandatory (it throws
        // ArgumentNullException for them). So where JSON is one of the choices, the C# client
        // offers JSON only (for createTranscription: audio_base64 or audio_url).
        static void PreferJsonBodies(OpenApiDocument document)
        {
            foreach (var op in document.Operations)
            {
                var body = op.Operation.RequestBody;
                if (body == null || body.Content.Count < 2 || !body.Content.ContainsKey("application/json"))
                    continue;
                var json = body.Content["application/json"];
                foreach (var type in body.Content.Keys.Where(k => k != "application/json"))
                    Console.WriteLine("operation " + op.Operation.OperationId + ": " + type + " request body left out, JSON kept");
                // A fresh request body: NSwag derives the body parameter when one is set.
                var jsonOnly = new OpenApiRequestBody
                {
                    Description = body.Description,
                    IsRequired = body.IsRequired,
                    Name = body.Name,
                };
                jsonOnly.Content["application/json"] = json;
                op.Operation.RequestBody = jsonOnly;
            }
        }

        // operationIds whose 2xx responses are all text/event-stream only.
        static string[] EventStreamOperations(OpenApiDocument document)
        {
            var ids = new List<string>();
            foreach (var op in document.Operations)
            {
                var success = op.Operation.ActualResponses.Where(r => r.Key.StartsWith("2")).Select(r => r.Value).ToList();
                if (success.Count > 0 && success.All(r => r.Content.Count > 0 && r.Content.Keys.All(k => k == "text/event-stream")))
                    ids.Add(op.Operation.OperationId);
            }
            foreach (var id in ids)
                Console.WriteLine("event-stream operation " + id + ": not generated (see Runtime/TroupeClient.Streaming.cs)");
            return ids.ToArray();
        }

        static int Main(string[] args)
        {
            if (args.Length != 2)
            {
                Console.Error.WriteLine("usage: Generate.exe <openapi.yaml> <output.cs>");
                return 2;
            }
            var document = OpenApiYamlDocument.FromFileAsync(args[0]).GetAwaiter().GetResult();

            TaggedUnions.Rewrite(document);
            var streamed = EventStreamOperations(document);
            PreferJsonBodies(document);

            var settings = new CSharpClientGeneratorSettings
            {
                ClassName = "TroupeClient",
                GenerateClientInterfaces = true,   // ITroupeClient, for mocking in Unity tests
                UseBaseUrl = true,                 // servers: [{url: /}] is relative; caller passes the base URL
                GenerateBaseUrlProperty = true,
                InjectHttpClient = true,           // caller owns one HttpClient (timeouts, handlers, auth header)
                DisposeHttpClient = false,
                GenerateExceptionClasses = true,   // ApiException / ApiException<ErrorResponse>
                ExceptionClass = "ApiException",
                GenerateOptionalParameters = true, // optional query parameters get defaults
                ParameterNameGenerator = new CamelParameterNameGenerator(),
                // NSwag would JSON-parse a text/event-stream body in one go; those operations
                // are written by hand (Runtime/TroupeClient.Streaming.cs) with an SSE reader.
                ExcludedOperationIds = streamed,
            };
            var cs = settings.CSharpGeneratorSettings;
            cs.Namespace = "Troupe";
            cs.JsonLibrary = CSharpJsonLibrary.NewtonsoftJson;      // Unity ships com.unity.nuget.newtonsoft-json
            cs.ClassStyle = CSharpClassStyle.Poco;                 // plain get/set classes, no INotifyPropertyChanged
            cs.DateTimeType = "System.DateTimeOffset";              // keeps the offset of RFC 3339 times
            cs.GenerateOptionalPropertiesAsNullable = true;         // absent int/bool/enum/date reads as null, not 0/false
            cs.GenerateNullableReferenceTypes = false;              // no `string?`: Unity projects rarely enable #nullable
            cs.GenerateDataAnnotations = false;                     // avoids System.ComponentModel.DataAnnotations, which Unity lacks by default
            cs.RequiredPropertiesMustBeDefined = true;
            cs.GenerateDefaultValues = false;                       // send only what the caller set; the server applies its documented defaults
            cs.ArrayType = "System.Collections.Generic.List";
            cs.ArrayInstanceType = "System.Collections.Generic.List";
            cs.DictionaryType = "System.Collections.Generic.Dictionary";
            cs.DictionaryInstanceType = "System.Collections.Generic.Dictionary";
            cs.InlineNamedArrays = true;                            // TabooWords is a List<string>, not a Collection<string> subclass
            cs.PropertyNameGenerator = new PascalPropertyNameGenerator();
            cs.EnumNameGenerator = new PascalEnumNameGenerator();

            var code = new CSharpClientGenerator(document, settings).GenerateFile();
            var dir = Path.GetDirectoryName(Path.GetFullPath(args[1]));
            Directory.CreateDirectory(dir);
            File.WriteAllText(args[1], code.Replace("\r\n", "\n"), new UTF8Encoding(false));
            Console.WriteLine("wrote " + args[1]);
            return 0;
        }
    }
}
