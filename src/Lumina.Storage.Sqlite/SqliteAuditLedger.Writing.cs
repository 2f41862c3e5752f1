using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

using Lumina.Core.Audit;

namespace Lumina.Storage.Sqlite;

// The write path: one connection held by the writer, its transaction per batch and the prepared insert.
public sealed partial class SqliteAuditLedger
{
    /// <summary>The writer's connection and its prepared statements.</summary>
    private sealed class WriteSession : IAsyncDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _begin;
        private readonly SqliteCommand _readHead;
        private readonly RecordInsert _insert;
        private readonly SqliteCommand _advance;
        private readonly SqliteCommand _commit;
        private readonly SqliteCommand _rollback;

        private WriteSession(SqliteConnection connection)
        {
            _connection = connection;
            _begin = Command("BEGIN IMMEDIATE");
            _readHead = Command("SELECT seq, hash FROM audit_head WHERE id = 1");
            _insert = new RecordInsert(connection);
            _advance = Command("INSERT INTO audit_head(id, seq, hash) VALUES(1, $seq, $hash) ON CONFLICT(id) DO UPDATE SET seq=excluded.seq, hash=excluded.hash", "$seq", "$hash");
            _commit = Command("COMMIT");
            _rollback = Command("ROLLBACK");
        }

        public static async Task<WriteSession> OpenAsync(SqliteDatabase database)
        {
            var connection = await database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                return new WriteSession(connection);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public async Task<List<AuditRecord>> WriteAsync(IReadOnlyList<AuditEntry> entries)
        {
            // Plain BEGIN/COMMIT statements rather than SqliteTransaction, so the prepared commands stay reusable.
            await _begin.ExecuteNonQueryAsync().ConfigureAwait(false);
            try
            {
                AuditHead head;
                await using (var reader = await _readHead.ExecuteReaderAsync().ConfigureAwait(false))
                {
                    head = await reader.ReadAsync().ConfigureAwait(false) ? new AuditHead(reader.GetInt64(0), reader.GetString(1)) : new AuditHead(0, AuditChain.GenesisHash);
                }

                var records = new List<AuditRecord>(entries.Count);
                foreach (var entry in entries)
                {
                    var record = AuditChain.Seal(entry, head);
                    _insert.Execute(record);
                    records.Add(record);
                    head = new AuditHead(record.Sequence, record.Hash);
                }

                _advance.Parameters[0].Value = head.Sequence;
                _advance.Parameters[1].Value = head.Hash;
                await _advance.ExecuteNonQueryAsync().ConfigureAwait(false);
                await _commit.ExecuteNonQueryAsync().ConfigureAwait(false);
                return records;
            }
            catch
            {
                try
                {
                    await _rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
                catch (SqliteException)
                {
                    // The connection is dropped by the caller anyway; the original failure is what matters.
                }

                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _insert.Dispose();
            foreach (var command in (SqliteCommand[])[_begin, _readHead, _advance, _commit, _rollback])
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter(name, null));
            }

            return command;
        }
    }

    /// <summary>
    /// The one statement run once per record, prepared once on the writer's connection and bound by position straight
    /// from the record's fields.
    /// </summary>
    /// <remarks>
    /// Through SQLite's own API (the provider under <c>Microsoft.Data.Sqlite</c>) rather than a <see cref="SqliteCommand"/>:
    /// a command looks each of the thirteen parameters up by name, converts it and opens a data reader on every execution,
    /// most of a record's cost on the writer thread (the measurement is in <c>bench/README.md</c>).
    /// Text is encoded as UTF-8 the way the command encodes it, so the stored rows are the same.
    /// </remarks>
    private sealed class RecordInsert : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _statement;
        private byte[] _utf8 = new byte[256];

        public RecordInsert(SqliteConnection connection)
        {
            _connection = connection;
            var rc = raw.sqlite3_prepare_v3(
                connection.Handle,
                $"INSERT INTO audit({Columns}) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                raw.SQLITE_PREPARE_PERSISTENT,
                out _statement);
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }

        public void Execute(AuditRecord record)
        {
            try
            {
                Check(raw.sqlite3_bind_int64(_statement, 1, record.Sequence));
                Check(raw.sqlite3_bind_int64(_statement, 2, record.Time.ToUnixTimeMilliseconds()));
                BindText(3, record.CallerId);
                BindText(4, record.CallerRole);
                BindText(5, record.Transport.ToString());
                BindText(6, record.Function);
                BindText(7, record.ArgumentsDigest);
                BindText(8, record.Outcome.ToString());
                Check(record.ErrorKind is null ? raw.sqlite3_bind_null(_statement, 9) : BindTextCode(9, record.ErrorKind));
                Check(raw.sqlite3_bind_int64(_statement, 10, record.DurationMs));
                BindText(11, record.PreviousHash);
                BindText(12, record.Hash);
                Check(record.Context is null ? raw.sqlite3_bind_null(_statement, 13) : BindTextCode(13, record.Context));
                var rc = raw.sqlite3_step(_statement);
                if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
                }
            }
            finally
            {
                // Resetting also releases the statement's hold on the write transaction; the step's error (if any) is
                // the one reported.
                raw.sqlite3_reset(_statement);
            }
        }

        public void Dispose() => _statement.Dispose();

        private void BindText(int index, string value) => Check(BindTextCode(index, value));

        /// <summary>Binds <paramref name="value"/> as UTF-8 from a reused buffer (SQLite copies it).</summary>
        private int BindTextCode(int index, string value)
        {
            var needed = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (_utf8.Length < needed)
            {
                _utf8 = new byte[Math.Max(needed, _utf8.Length * 2)];
            }

            var length = Encoding.UTF8.GetBytes(value, _utf8);
            return raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length));
        }

        private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
    }
}
