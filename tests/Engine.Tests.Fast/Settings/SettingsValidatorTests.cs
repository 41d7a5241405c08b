using Engine.Grains.Cases;
using Engine.Api;
using Engine.Api.Security;
using Engine.Frontend;
using Engine.Grains.Judges;
using Engine.Grains.Tickets;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Engine.Tests.Settings;

/// <summary>Each options validator alone, on settings bound as the hosts bind them (command-line form): every bad value
/// is refused with one sentence naming its full key and what it may be. That the hosts run these validators at start is
/// SettingsValidationTests' part.</summary>
public sealed class SettingsValidatorTests
{
    [Fact]
    public void The_shipped_settings_files_and_the_defaults_pass_every_validator()
    {
        var engine = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();
        var frontend = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "frontend.settings.json")).Build();

        foreach (var configuration in new[] { engine, new ConfigurationBuilder().Build() })
        {
            Assert.Empty(Failures(new EngineOptionsValidator(), configuration, "Engine"));
            Assert.Empty(Failures(new StorageOptionsValidator(), configuration, "Engine:Storage"));
            Assert.Empty(Failures(new TicketPolicyOptionsValidator(), configuration, "Engine:Tickets"));
            Assert.Empty(Failures(new EventRetentionOptionsValidator(), configuration, "Engine:Events:Retention"));
            Assert.Empty(Failures(new EventStreamOptionsValidator("Engine:Events"), configuration, "Engine:Events"));
            Assert.Empty(Failures(new SecurityOptionsValidator("Engine:Security"), configuration, "Engine:Security"));
            Assert.Empty(Failures(new CaseOptionsValidator(), configuration, "Engine:Cases"));
        }

        foreach (var configuration in new[] { frontend, new ConfigurationBuilder().Build() })
        {
            Assert.Empty(Failures(new FrontendOptionsValidator(), configuration, "Frontend"));
            Assert.Empty(Failures(new EventStreamOptionsValidator("Frontend:Events"), configuration, "Frontend:Events"));
            Assert.Empty(Failures(new SecurityOptionsValidator("Frontend:Security"), configuration, "Frontend:Security"));
        }
    }

    [Theory]
    [InlineData("MaxBatchSize=0", "Engine:Storage:MaxBatchSize must be between 1 and 100000 (it is 0)")]
    [InlineData("MaxBatchSize=100001", "Engine:Storage:MaxBatchSize must be between 1 and 100000 (it is 100001)")]
    [InlineData("MaxQueuedWrites=0", "Engine:Storage:MaxQueuedWrites must be between 1 and 1000000 (it is 0)")]
    [InlineData("CheckpointRestartPages=0", "Engine:Storage:CheckpointRestartPages must be between 256 and 1048576 (it is 0)")]
    [InlineData("CheckpointRestartPages=2000000", "Engine:Storage:CheckpointRestartPages must be between 256 and 1048576 (it is 2000000)")]
    [InlineData("Provider=7", "Engine:Storage:Provider must be one of Sqlite, Postgres (it is 7)")]
    [InlineData("DataDirectory=", "Engine:Storage:DataDirectory must not be empty")]
    [InlineData("FileName=../engine.db", "Engine:Storage:FileName must be a file name without a directory (it is '../engine.db')")]
    [InlineData("StatsFileName=", "Engine:Storage:StatsFileName must be a file name without a directory (it is '')")]
    [InlineData("StatsFileName=engine.db", "Engine:Storage:StatsFileName must differ from Engine:Storage:FileName (both are 'engine.db'): the statistics have a writer of their own")]
    [InlineData("ConnectionString=Host=db;Username=engine", "Engine:Storage:ConnectionString is set but Engine:Storage:Provider is sqlite, which ignores it: set the provider to postgres, or remove the connection string")]
    public void A_bad_storage_setting_is_named_with_its_range(string setting, string failure) =>
        Assert.Equal(failure, Assert.Single(Failures(new StorageOptionsValidator(), "Engine:Storage", setting)));

    [Theory]
    [InlineData(null, "Engine:Storage:ConnectionString is required when Engine:Storage:Provider is postgres.")]
    [InlineData("Port=5432;Database=engine", "Engine:Storage:ConnectionString names no Host.")]
    public void Postgres_needs_a_connection_string_naming_a_host(string? connection, string failure)
    {
        string[] settings = connection is null ? ["Provider=postgres"] : ["Provider=postgres", $"ConnectionString={connection}"];

        Assert.Equal(failure, Assert.Single(Failures(new StorageOptionsValidator(), "Engine:Storage", settings)));
    }

    [Fact]
    public void A_malformed_connection_string_is_named_without_its_password()
    {
        var failure = Assert.Single(Failures(new StorageOptionsValidator(), "Engine:Storage", "Provider=postgres", "ConnectionString=Host=db;Password=sesame-42;Prot=5432"));

        Assert.StartsWith("Engine:Storage:ConnectionString is not a valid PostgreSQL connection string", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("sesame-42", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BatchSize=0", "Engine:Events:BatchSize must be between 1 and 5000 (it is 0)")]
    [InlineData("BatchSize=5001", "Engine:Events:BatchSize must be between 1 and 5000 (it is 5001)")]
    [InlineData("HeartbeatInterval=00:00:00", "Engine:Events:HeartbeatInterval must be between 00:00:00.1 and 00:00:25 (it is 00:00:00)")]
    [InlineData("HeartbeatInterval=00:00:30", "Engine:Events:HeartbeatInterval must be between 00:00:00.1 and 00:00:25 (it is 00:00:30)")]
    public void A_bad_event_stream_setting_is_named_with_its_range(string setting, string failure) =>
        Assert.Equal(failure, Assert.Single(Failures(new EventStreamOptionsValidator("Engine:Events"), "Engine:Events", setting)));

    [Fact]
    public void The_front_end_s_event_stream_settings_are_named_under_its_own_section() =>
        Assert.Equal(
            "Frontend:Events:BatchSize must be between 1 and 5000 (it is 0)",
            Assert.Single(Failures(new EventStreamOptionsValidator("Frontend:Events"), "Frontend:Events", "BatchSize=0")));

    [Theory]
    [InlineData("KeepDays=-1", "Engine:Events:Retention:KeepDays must be between 0 and 36500 (it is -1)")]
    [InlineData("KeepDays=100000", "Engine:Events:Retention:KeepDays must be between 0 and 36500 (it is 100000)")]
    [InlineData("KeepEvents=-1", "Engine:Events:Retention:KeepEvents must be at least 0 (it is -1)")]
    [InlineData("SubscriptionMaxLag=-5", "Engine:Events:Retention:SubscriptionMaxLag must be at least 0 (it is -5)")]
    [InlineData("Interval=00:00:00", "Engine:Events:Retention:Interval must be between 00:00:00.1 and 1.00:00:00 (it is 00:00:00)")]
    [InlineData("Interval=2.00:00:00", "Engine:Events:Retention:Interval must be between 00:00:00.1 and 1.00:00:00 (it is 2.00:00:00)")]
    public void A_bad_retention_setting_is_named_with_its_range(string setting, string failure) =>
        Assert.Equal(failure, Assert.Single(Failures(new EventRetentionOptionsValidator(), "Engine:Events:Retention", setting)));

    [Theory]
    [InlineData("CallbackShare=1.5", "Engine:Tickets:CallbackShare must be between 0 and 1 (it is 1.5)")]
    [InlineData("CallbackShare=NaN", "Engine:Tickets:CallbackShare must be between 0 and 1 (it is NaN)")]
    [InlineData("ComplaintCallbackShare=-0.1", "Engine:Tickets:ComplaintCallbackShare must be between 0 and 1 (it is -0.1)")]
    [InlineData("CallbackShareByKind:Consultation=2", "Engine:Tickets:CallbackShareByKind:Consultation must be between 0 and 1 (it is 2)")]
    [InlineData("CallbackShareByKind:Callback=0.5", "Engine:Tickets:CallbackShareByKind:Callback names no kind that gets callbacks: use one of ContactJudge, CaseInquiry, Consultation, Suggestion, OnlineFiling, OnlineMatter")]
    [InlineData("MergeWindow=-1.00:00:00", "Engine:Tickets:MergeWindow must be between 00:00:00 and 365.00:00:00 (it is -1.00:00:00)")]
    [InlineData("MergeWindow=400.00:00:00", "Engine:Tickets:MergeWindow must be between 00:00:00 and 365.00:00:00 (it is 400.00:00:00)")]
    [InlineData("LookupMaxFailures=0", "Engine:Tickets:LookupMaxFailures must be at least 1 (it is 0)")]
    [InlineData("LookupLockout=00:00:00", "Engine:Tickets:LookupLockout must be between 00:00:01 and 365.00:00:00 (it is 00:00:00)")]
    [InlineData("DissatisfiedResult=5", "Engine:Tickets:DissatisfiedResult must be one of Reopen, Supervise (it is 5)")]
    public void A_bad_ticket_policy_setting_is_named_with_its_range(string setting, string failure) =>
        Assert.Equal(failure, Assert.Single(Failures(new TicketPolicyOptionsValidator(), "Engine:Tickets", setting)));

    [Theory]
    [InlineData("Authentication=2", "Engine:Security:Authentication must be one of None, Required (it is 2)")]
    [InlineData("KeyRefreshInterval=00:00:00", "Engine:Security:KeyRefreshInterval must be between 00:00:00.1 and 00:10:00 (it is 00:00:00)")]
    [InlineData("DefaultRatePerSecond=0", "Engine:Security:DefaultRatePerSecond must be at least 1 (it is 0)")]
    [InlineData("MaxConcurrentCalls=0", "Engine:Security:MaxConcurrentCalls must be at least 1 (it is 0)")]
    [InlineData("MaxSubscriptions=-1", "Engine:Security:MaxSubscriptions must be at least 1 (it is -1)")]
    [InlineData("Lookup:PerSourcePerMinute=0", "Engine:Security:Lookup:PerSourcePerMinute must be at least 1 (it is 0)")]
    [InlineData("Lookup:PerCasePerMinute=0", "Engine:Security:Lookup:PerCasePerMinute must be at least 1 (it is 0)")]
    [InlineData("Lookup:PerPhonePerMinute=0", "Engine:Security:Lookup:PerPhonePerMinute must be at least 1 (it is 0)")]
    [InlineData("Lookup:FailuresPerKeyPerMinute=0", "Engine:Security:Lookup:FailuresPerKeyPerMinute must be at least 1 (it is 0)")]
    [InlineData("Tls:ClientCertificates=Allow", "Engine:Security:Tls:ClientCertificates needs Engine:Security:Tls:CertificateFile (client certificates need TLS)")]
    [InlineData("Tls:ClientCertificates=9", "Engine:Security:Tls:ClientCertificates must be one of None, Allow, Require (it is 9)")]
    [InlineData("Tls:CertificateFile=/nonexistent/tls.pem", "Engine:Security:Tls:CertificateFile '/nonexistent/tls.pem' does not exist")]
    public void A_bad_security_setting_is_named_with_its_range(string setting, string failure) =>
        Assert.Equal(failure, Assert.Single(Failures(new SecurityOptionsValidator("Engine:Security"), "Engine:Security", setting)));

    [Fact]
    public void A_key_file_or_an_authority_that_nothing_uses_is_refused()
    {
        var failures = Failures(new SecurityOptionsValidator("Frontend:Security"), "Frontend:Security", "Tls:KeyFile=/etc/hosts", "Tls:ClientCertificateAuthorityFile=/etc/hosts");

        Assert.Equal(
            [
                "Frontend:Security:Tls:KeyFile needs Frontend:Security:Tls:CertificateFile (it is the certificate's key)",
                "Frontend:Security:Tls:ClientCertificateAuthorityFile needs Frontend:Security:Tls:ClientCertificates=Allow or Require (no client certificate is asked for)",
            ],
            failures);
    }

    [Theory]
    [InlineData("SiloPort=0", "Engine:SiloPort must be between 1 and 65535 (it is 0)")]
    [InlineData("GatewayPort=70000", "Engine:GatewayPort must be between 1 and 65535 (it is 70000)")]
    [InlineData("GatewayPort=11111", "Engine:GatewayPort must differ from Engine:SiloPort (both are 11111)")]
    [InlineData("DashboardEndpoint=127.0.0.1:50051", "Engine:DashboardEndpoint must differ from Engine:GrpcEndpoint (both are 50051)")]
    [InlineData("GrpcEndpoint=127.0.0.1", "Engine:GrpcEndpoint '127.0.0.1' is not an address:port such as 127.0.0.1:50051")]
    [InlineData("DashboardEndpoint=dashboard", "Engine:DashboardEndpoint 'dashboard' is not an address:port such as 127.0.0.1:50051, or empty for no dashboard")]
    [InlineData("AdvertisedAddress=silo-1", "Engine:AdvertisedAddress 'silo-1' is not an IP address such as 127.0.0.1")]
    [InlineData("ClusterId=", "Engine:ClusterId must not be empty")]
    [InlineData("ServiceId= ", "Engine:ServiceId must not be empty")]
    public void A_bad_engine_setting_is_named_with_its_range(string setting, string failure) =>
        Assert.Equal(failure, Assert.Single(Failures(new EngineOptionsValidator(), "Engine", setting)));

    [Fact]
    public void No_dashboard_leaves_its_port_free_for_the_others() =>
        Assert.Empty(Failures(new EngineOptionsValidator(), "Engine", "DashboardEndpoint=", "GatewayPort=8080"));

    [Theory]
    [InlineData("GrpcEndpoint=50052", "Frontend:GrpcEndpoint '50052' is not an address:port such as 127.0.0.1:50051")]
    [InlineData("Gateways:1=silo-2:30000", "Frontend:Gateways:1 'silo-2:30000' is not an address:port such as 127.0.0.1:30000")]
    [InlineData("ClusterId=", "Frontend:ClusterId must not be empty")]
    [InlineData("ServiceId=", "Frontend:ServiceId must not be empty")]
    [InlineData("MembershipConnectionString=Port=5432;Password=sesame-42", "Frontend:MembershipConnectionString names no Host")]
    public void A_bad_front_end_setting_is_named_with_its_range(string setting, string failure) =>
        Assert.Equal(failure, Assert.Single(Failures(new FrontendOptionsValidator(), "Frontend", "Gateways:0=127.0.0.1:30000", setting)));

    [Fact]
    public void A_node_catalogue_file_that_is_not_usable_and_a_notice_type_it_lacks_are_named_at_start()
    {
        var file = Path.Combine(Path.GetTempPath(), $"nodes-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "courts": { "sh-pudong": [ { "id": "ONLINE_HEARING", "name": "在线庭审" } ] } }""");
        try
        {
            var failures = Failures(new CaseOptionsValidator(), "Engine:Cases", $"ProgressNodesFile={file}", "RelatedNoticeNodeTypes:0=HEARING_SCHEDULED",
                "RelatedNoticeNodeTypes:1=NO_SUCH_NODE", "RelatedNoticeMaxSharedCases=-1");
            Assert.Equal(2, failures.Count);
            Assert.StartsWith("Engine:Cases:ProgressNodesFile", failures[0], StringComparison.Ordinal);
            Assert.Contains("courts.sh-pudong[0].template: is required for the new type ONLINE_HEARING", failures[0], StringComparison.Ordinal);
            Assert.StartsWith("Engine:Cases:RelatedNoticeMaxSharedCases", failures[1], StringComparison.Ordinal);

            failures = Failures(new CaseOptionsValidator(), "Engine:Cases", "RelatedNoticeNodeTypes:0=HEARING_SCHEDULED", "RelatedNoticeNodeTypes:1=NO_SUCH_NODE");
            Assert.Equal(["Engine:Cases:RelatedNoticeNodeTypes 'NO_SUCH_NODE' is not a node type of the catalogue"], failures);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("Engine:Judges:MorningListAt", "08:30", "08:30:00")]
    [InlineData("Engine:Judges:MorningListAt", "17:05:30", "17:05:30")]
    [InlineData("Engine:Cases:HearingReminderAt", "09:00", "09:00:00")]
    [InlineData("Engine:Cases:HearingReminderAt", "23:44:00", "23:44:00")]
    public void A_time_of_day_setting_is_read_to_the_minute_or_the_second(string key, string setting, string time)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine([$"--{key}={setting}"]).Build();
        var (failures, read) = key.StartsWith(JudgeOptionsValidator.Section, StringComparison.Ordinal)
            ? (Failures(new JudgeOptionsValidator(), configuration, JudgeOptionsValidator.Section), configuration.GetSection(JudgeOptionsValidator.Section).Get<JudgeOptions>()!.ListTime)
            : (Failures(new CaseOptionsValidator(), configuration, CaseOptionsValidator.Section), configuration.GetSection(CaseOptionsValidator.Section).Get<CaseOptions>()!.HearingReminderTime);
        Assert.Empty(failures);
        Assert.Equal(TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture), read);
    }

    [Theory]
    [InlineData("8.30")]
    [InlineData("24:00")]
    [InlineData("08:30 am")]
    public void A_morning_list_time_that_is_not_a_time_of_day_is_named(string setting) =>
        Assert.Equal($"Engine:Judges:MorningListAt must be a time of day written HH:mm or HH:mm:ss, e.g. 08:30 (it is '{setting}')",
            Assert.Single(Failures(new JudgeOptionsValidator(), JudgeOptionsValidator.Section, $"MorningListAt={setting}")));

    [Fact]
    public void A_hearing_reminder_time_that_is_not_a_time_of_day_is_named() =>
        Assert.Equal("Engine:Cases:HearingReminderAt must be a time of day written HH:mm or HH:mm:ss, e.g. 09:00 (it is '9h')",
            Assert.Single(Failures(new CaseOptionsValidator(), CaseOptionsValidator.Section, "HearingReminderAt=9h")));

    private static List<string> Failures<T>(IValidateOptions<T> validator, string section, params string[] settings)
        where T : class, new() =>
        Failures(validator, new ConfigurationBuilder().AddCommandLine([.. settings.Select(s => $"--{section}:{s}")]).Build(), section);

    private static List<string> Failures<T>(IValidateOptions<T> validator, IConfiguration configuration, string section)
        where T : class, new()
    {
        var result = validator.Validate(Options.DefaultName, configuration.GetSection(section).Get<T>() ?? new T());
        return result.Failed ? [.. result.Failures] : [];
    }
}
