import ArgumentParser
import ConcordCLI

@main
struct ConcordMain: AsyncMainProtocol {
    typealias Command = ConcordCommand
}
