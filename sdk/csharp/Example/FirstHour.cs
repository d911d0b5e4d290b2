// A studio's first hour with Troupe, through the generated C# client:
// world -> character -> speak -> streamed speak -> avatar job -> download the image ->
// one typed error. Reads TROUPE_URL and TROUPE_KEY; exits non-zero on any failure.
//
// Built by run.sh with mono's mcs (C# 7), so it uses no C# 8 features; the same code runs
// in a Unity MonoBehaviour coroutine-free async method.
using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Troupe;

static class FirstHour
{
    static int Main()
    {
        try
        {
            RunAsync().GetAwaiter().GetResult();
            Console.WriteLine("first hour: OK");
            return 0;
        }
        catch (ApiException<ErrorResponse> e)
        {
            Console.Error.WriteLine("FAIL: HTTP " + e.StatusCode + " " + e.Result.Error.Code + ": " + e.Result.Error.Message
                + " (request " + e.Result.Error.RequestId + ")");
        }
        catch (ApiException e)
        {
            Console.Error.WriteLine("FAIL: HTTP " + e.StatusCode + ": " + e.Message + "\n" + e.Response);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("FAIL: " + e);
        }
        return 1;
    }

    static void Check(bool ok, string what)
    {
        if (!ok)
            throw new Exception("check failed: " + what);
    }

    static string Env(string name)
    {
        var v = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(v))
            throw new Exception(name + " is not set");
        return v;
    }

    static async Task RunAsync()
    {
        var baseUrl = Env("TROUPE_URL");
        var key = Env("TROUPE_KEY");

        // One HttpClient for the app's lifetime; the key goes in its default headers.
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        ITroupeClient troupe = new TroupeClient(http) { BaseUrl = baseUrl };

        // 1. A world.
        var world = await troupe.CreateWorldAsync(new CreateWorldRequest
        {
            Seed = 1234,
            Genre = Genre.DarkFantasy,
            Tone = Tone.Heroic,
        });
        Check(world.Id.StartsWith("wld_"), "world id " + world.Id);
        Console.WriteLine("world: " + world.Id + " \"" + world.Name + "\" (" + world.Parameters.Genre + ", seed " + world.Seed + ", "
            + world.Regions.Count + " regions)");

        // 2. A character living in it.
        var character = await troupe.CreateCharacterAsync(new CreateCharacterRequest
        {
            Role = "blacksmith",
            Archetype = "mentor",
            WorldId = world.Id,
            Seed = 42,
        });
        Check(character.WorldId == world.Id, "character.world_id");
        Console.WriteLine("character: " + character.Id + " " + character.Name + " the " + character.Role + " (" + character.SkillTier + ")");

        // 3. Speak (JSON).
        var spoken = await troupe.SpeakCharacterAsync(new SpeakRequest
        {
            ContextMessages = new List<Message> { new Message { Speaker = "player", Text = "Good morning! Do you sell swords?" } },
            Mood = "cheerful",
        }, character.Id);
        Check(!string.IsNullOrEmpty(spoken.Text), "speak text");
        Console.WriteLine("speak: \"" + spoken.Text + "\" (" + spoken.Engine + ", " + spoken.LatencyMs + " ms)");

        // 4. Speak, streamed: print deltas as they come, stop at dialogue.completed.
        Console.Write("stream: ");
        var streamed = new StringBuilder();
        SpeakResponse final = null;
        var deltas = 0;
        using (var events = await troupe.StreamSpeakCharacterAsync(new SpeakRequest
        {
            ContextMessages = new List<Message> { new Message { Speaker = "player", Text = "And what of the war in the north?" } },
        }, character.Id))
        {
            SpeakStreamEvent ev;
            while ((ev = await events.ReadAsync()) != null)
            {
                var delta = ev as DialogueDeltaEvent;
                var completed = ev as DialogueCompletedEvent;
                var failed = ev as DialogueErrorEvent;
                if (delta != null)
                {
                    Console.Write(delta.Delta);
                    streamed.Append(delta.Delta);
                    deltas++;
                }
                else if (completed != null)
                    final = completed.Response;
                else if (failed != null)
                    throw new Exception("stream error event " + failed.Error.Code + ": " + failed.Error.Message);
                // any other (future) event type: ignore
            }
        }
        Console.WriteLine();
        Check(final != null, "dialogue.completed received");
        Check(deltas > 0, "at least one dialogue.delta");
        Check(streamed.ToString() == final.Text, "deltas concatenate to the completed text");
        Console.WriteLine("stream: " + deltas + " deltas, completed text matches");

        // 5. An avatar job, polled until it finishes (bounded).
        var submitted = await troupe.CreateAvatarAsync(new AvatarRequest
        {
            Description = "A scarred dwarf blacksmith with a braided red beard",
            CharacterId = character.Id,
        });
        Check(submitted.JobId.StartsWith("job_"), "job id " + submitted.JobId);
        Console.WriteLine("avatar job: " + submitted.JobId + " " + submitted.Status);

        Job job = null;
        for (var attempt = 0; attempt < 120; attempt++)
        {
            job = await troupe.GetJobAsync(submitted.JobId);
            if (job.Status == JobStatus.Completed)
                break;
            if (job.Status == JobStatus.Failed || job.Status == JobStatus.Canceled)
                throw new Exception("avatar job " + job.Status + ": " + (job.Error == null ? "" : job.Error.Code + " " + job.Error.Message));
            await Task.Delay(500);
        }
        Check(job != null && job.Status == JobStatus.Completed, "avatar job completed in time");
        // job.result[job.type]: exactly one member is set, the one named by the job's type.
        Check(job.Type == JobType.Avatar && job.Result != null && job.Result.Avatar != null, "job.result.avatar");
        var image = job.Result.Avatar;
        Console.WriteLine("avatar: " + image.Width + "x" + image.Height + " " + image.FileId + ", url expires " + image.ExpiresAt.ToString("u"));

        // 6. Download it from the signed URL, without the API key.
        using (var anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
        {
            var bytes = await anonymous.GetByteArrayAsync(image.ImageUrl);
            var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
            Check(bytes.Length > png.Length, "image has content");
            for (var i = 0; i < png.Length; i++)
                Check(bytes[i] == png[i], "PNG signature");
            Console.WriteLine("download: " + bytes.Length + " bytes, PNG");
        }

        // 7. A typed error: an unknown character is a 404 ErrorResponse with code CHAR_NOT_FOUND.
        try
        {
            await troupe.GetCharacterAsync("chr_doesnotexist");
            throw new Exception("GET chr_doesnotexist succeeded");
        }
        catch (ApiException<ErrorResponse> e)
        {
            Check(e.StatusCode == 404, "status 404, got " + e.StatusCode);
            Check(e.Result.Error.Code == ErrorCode.CharNotFound, "error.code CHAR_NOT_FOUND, got " + e.Result.Error.Code);
            Console.WriteLine("typed error: " + e.StatusCode + " " + e.Result.Error.Code + " \"" + e.Result.Error.Message + "\" request "
                + e.Result.Error.RequestId);
        }
    }
}
