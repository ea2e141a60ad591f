import EventLog
import Foundation

extension Casebook {
    /// Runs `body`, mapping the event log's and SQLite's errors to Casebook's so each has
    /// its exit code; Casebook's own errors pass through.
    public static func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EventLogError {
            switch error {
            case .conflict: throw CasebookError.conflict("\(error); run the command again")
            case .databaseMissing(let path):
                throw CasebookError.notFound("no database at \(path); create one with '\(command: .createDatabase)'")
            case .databaseExists(let path): throw CasebookError.cannotCreate("a file already exists at \(path)")
            case .incompatibleSchema(let reason): throw CasebookError.invalidInput(Message(reason))
            case .eventNotFound, .blobNotFound: throw CasebookError.notFound(Message(error.description))
            case .alreadyRedacted: throw CasebookError.invalidInput(Message(error.description))
            case .invalidField, .blobTooLarge: throw CasebookError.invalidInput(Message(error.description))
            case .blobCorrupt: throw CasebookError.io(Message(error.description))
            case .blobPurged: throw CasebookError.notFound(Message(error.description))
            }
        } catch let error as SQLiteError {
            if error.isBusy { throw CasebookError.conflict("the database is busy with another writer; run the command again") }
            if error.isCorrupt { throw CasebookError.invalidInput("the file is not a Casebook database, or it is damaged (\(error.message))") }
            if error.isIO { throw CasebookError.io("cannot read or write the database: \(error.message)") }
            throw error
        } catch let error as NewFile.Failure {
            switch error.kind {
            case .exists, .refused: throw CasebookError.cannotCreate(Message(error.reason))
            case .cannotCreate, .io: throw CasebookError.io(Message(error.reason))
            }
        } catch let error as Database.OpenError {
            switch error {
            case .exists(let path): throw CasebookError.cannotCreate("a file already exists at \(path)")
            case .missing(let path): throw CasebookError.notFound("no database at \(path)")
            case .permissionDenied(let path):
                throw CasebookError.notPermitted(
                    "permission denied: the database at \(path) belongs to another login; staff reach a shared database through the trust's server")
            case .cannotCreate(let path, let code):
                throw CasebookError.cannotCreate("cannot create \(path): \(String(cString: strerror(code)))")
            }
        }
    }
}
